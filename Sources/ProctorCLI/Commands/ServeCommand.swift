import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ProctorCore
import ProctorOperations
import ProctorPipeline
import ProctorRecording
import ProctorServer
import ProctorStore
import ProctorVision
import ServiceLifecycle

/// `proctor serve`: the live proctoring server with the embedded defaults (SQLite and files in the data folder).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP/WebSocket server (live analysis, REST API, metrics)."
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Address to listen on (default from configuration: 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default from configuration: 8000).")
    var port: Int?

    @Option(name: .customLong("data-dir"), help: "Folder for the database and blobs (default from configuration: ./data).")
    var dataDirectory: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: LogLevelOption = .info

    func run() async throws {
        var configuration = try common.loadConfiguration()
        if let host { configuration.server.host = host }
        if let port { configuration.server.port = port }
        if let dataDirectory { configuration.server.dataDirectory = dataDirectory }
        var logger = Logger(label: "proctor")
        logger.logLevel = logLevel.level
        let printed = String(decoding: try ConfigurationLoader.encoder.encode(configuration.redacted), as: UTF8.self)
        logger.info("configuration\n\(printed)")

        let data = URL(fileURLWithPath: configuration.server.dataDirectory)
        let opened = try await StoreOpener.open(configuration: configuration, logger: logger)
        logger.info("database: \(opened.description)")

        var pool: VisionWorkerPool?
        var modelError: String?
        do {
            pool = try await VisionRuntime.startPool(configuration, manySessions: true)
        } catch {
            modelError = "\(error)"
            logger.critical("models failed to load; /health reports 503 until fixed: \(error)")
        }
        let keyring = try BlobStoreOpener.keyring(configuration: configuration, create: true, logger: logger)
        // One registry for the server's /metrics, the blob store's counters included.
        let metrics = ProctorMetrics()
        let blobs = try BlobStoreOpener.open(
            configuration: configuration, keys: opened.store, keyring: keyring, logger: logger, metrics: metrics.metricsFactory)
        let (startedPool, startedError) = (pool, modelError)
        // The store runs (PostgreSQL's pool) around everything else and is ready (migrated) first.
        let written = try await opened.run { [configuration, logger] store in
            // Live evidence kept beside the database by earlier versions joins the blob store (migration v6 points at it there).
            let moved = try await LegacyEvidenceMover.move(dataDirectory: data, into: blobs)
            if moved > 0 { logger.info("moved \(moved) live evidence snapshots into the blob store") }
            let writer = BatchedStoreWriter(store: store, logger: logger)
            let services = try await ProctorServices.make(
                configuration: configuration, version: Proctor.version, pool: startedPool, modelError: startedError, store: store,
                blobs: blobs, keyring: keyring, writer: writer, metrics: metrics, logger: logger
            )
            if try await store.userCount() == 0 {
                logger.warning("no accounts yet: create the first admin with `proctor admin create --username <name>` (see README)")
            }
            let app = ProctorApplication.build(services: services)
            var serviceList: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: StoreWriterService(writer: writer))]
            if configuration.recording.embeddedWorker, let pool = startedPool {
                // One machine, no set-up: this process also analyses and merges recorded sessions, and purges.
                let voice = VisionRuntime.voiceActivity(configuration)
                if let note = voice.note { logger.warning("\(note)") }
                let processor = ChunkProcessor(
                    pool: pool, blobs: blobs, configuration: configuration, logger: logger, voiceActivity: voice.detector, voiceActivityNote: voice.note)
                let jobs = RecordingJobs(store: store, blobs: blobs, configuration: configuration, processor: processor, logger: logger)
                serviceList.append(
                    .init(service: RecordingWorkerService(worker: RecordingWorker(jobs: jobs, kinds: JobKind.allCases, concurrency: 1, logger: logger))))
                let purger = RetentionPurger(store: store, blobs: blobs, privacy: configuration.privacy, logger: logger)
                serviceList.append(.init(service: PurgeService(purger: purger, intervalMinutes: configuration.privacy.purgeIntervalMinutes)))
            }
            // Every server publishes its live connections, so any dashboard shows every candidate.
            let instance = "\(ProcessInfo.processInfo.hostName):\(configuration.server.port)"
            serviceList.append(.init(service: LivePresencePublisher(services: services, server: instance)))
            serviceList.append(.init(service: app))
            let group = ServiceGroup(configuration: .init(services: serviceList, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            logger.info("listening on http://\(configuration.server.host):\(configuration.server.port) (WebSocket /ws/{session_id}), data in \(data.path)")
            try await group.run()
            return await writer.writtenCount
        }
        pool?.shutdown()
        logger.info("stopped; \(written) records written")
    }
}

/// `--log-level` (a type of our own: swift-log's level does not know ArgumentParser).
enum LogLevelOption: String, ExpressibleByArgument, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}
