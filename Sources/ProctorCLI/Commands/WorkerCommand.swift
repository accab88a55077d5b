import ArgumentParser
import Foundation
import Logging
import ProctorCore
import ProctorOperations
import ProctorPipeline
import ProctorRecording
import ProctorServer
import ProctorStore
import ServiceLifecycle

/// `proctor worker`: processes recorded sessions from the shared job queue.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Process recorded sessions: analyse chunks, merge batches, finalize master videos."
    )

    @OptionGroup var options: DataFolderOptions

    @Option(help: "Which jobs to take: chunks, merge, finalize or all.")
    var role = "all"

    @Option(help: "This worker's name in job leases and logs (default: worker-<random>).")
    var name: String?

    @Option(help: "Jobs run at once by this process.")
    var concurrency = 1

    @Option(help: "Log level.")
    var logLevel: LogLevelOption = .info

    func run() async throws {
        guard let kinds = JobKind.forRole(role) else { throw ValidationError("--role must be chunks, merge, finalize or all") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        let configuration = try options.loadConfiguration()
        var logger = Logger(label: "proctor.worker")
        logger.logLevel = logLevel.level
        let opened = try await StoreOpener.open(configuration: configuration, logger: logger)
        let keyring = try BlobStoreOpener.keyring(configuration: configuration, create: true, logger: logger)
        let blobs = try BlobStoreOpener.open(configuration: configuration, keys: opened.store, keyring: keyring, logger: logger)
        // Warm-up: models load once, before the first job.
        var processor: ChunkProcessor?
        if kinds.contains(.processChunk) {
            let pool = try await VisionRuntime.startPool(configuration, manySessions: true)
            let voice = VisionRuntime.voiceActivity(configuration)
            if let note = voice.note { logger.warning("\(note)") }
            processor = ChunkProcessor(
                pool: pool, blobs: blobs, configuration: configuration, logger: logger, voiceActivity: voice.detector, voiceActivityNote: voice.note)
        }
        let chunkProcessor = processor
        let (role, concurrency, name) = (role, concurrency, name)
        try await opened.run { [configuration, logger] store in
            let jobs = RecordingJobs(store: store, blobs: blobs, configuration: configuration, processor: chunkProcessor, logger: logger)
            let worker =
                name.map { RecordingWorker(jobs: jobs, kinds: kinds, concurrency: concurrency, name: $0, logger: logger) }
                ?? RecordingWorker(jobs: jobs, kinds: kinds, concurrency: concurrency, logger: logger)
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: RecordingWorkerService(worker: worker))]
            if role == "all" {
                let purger = RetentionPurger(store: store, blobs: blobs, privacy: configuration.privacy, logger: logger)
                services.append(.init(service: PurgeService(purger: purger, intervalMinutes: configuration.privacy.purgeIntervalMinutes)))
            }
            logger.info("worker \(worker.name) ready", metadata: ["role": "\(role)", "concurrency": "\(concurrency)", "database": "\(opened.description)"])
            let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }
}
