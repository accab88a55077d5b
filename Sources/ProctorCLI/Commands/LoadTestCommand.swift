import ArgumentParser
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import ProctorCore
import ProctorPipeline
import ProctorVision

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `proctor loadtest`: simulated candidates over real WebSockets, with real JPEG frames.
struct LoadTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest",
        abstract: "Drive N simulated candidates against a running server and report latency, throughput, CPU and memory."
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Simulated candidates.")
    var sessions = 10

    @Option(help: "Frames per second each candidate sends.")
    var fps = 2.0

    @Option(help: "Seconds to send for.")
    var duration = 30.0

    @Option(help: "Server WebSocket base URL.")
    var url = "ws://127.0.0.1:8000"

    @Option(help: "Staff token (an admin's login token: POST /api/auth/login); default $PROCTOR_TOKEN.")
    var token: String?

    @Option(help: "Test-data folder (frames come from its webcam and news clips).")
    var data: String?

    @Flag(help: "Send raw JPEG as binary messages instead of base64 JSON.")
    var binary = false

    @Flag(help: "Print the results as one JSON object.")
    var json = false

    func run() async throws {
        guard sessions > 0, fps > 0, duration > 0 else { throw ValidationError("--sessions, --fps and --duration must be positive") }
        var configuration = try common.loadConfiguration()
        configuration.vision.workers = 1
        let folder = data ?? ProcessInfo.processInfo.environment["PROCTOR_TESTDATA"] ?? BenchCommand.defaultTestData()
        let frames = try await Self.loadFrames(folder: folder, configuration: configuration)
        let httpBase = url.replacingOccurrences(of: "ws://", with: "http://").replacingOccurrences(of: "wss://", with: "https://")
        let before = await ServerProcessFigures.fetch(base: httpBase)
        let started = ContinuousClock.now
        let staffToken = token ?? ProcessInfo.processInfo.environment["PROCTOR_TOKEN"] ?? ""
        let results = try await withThrowingTaskGroup(of: CandidateResult.self) { group in
            for index in 0..<sessions {
                group.addTask {
                    // Stagger connections over the first second, like candidates arriving.
                    try await Task.sleep(for: .milliseconds(Int(1000.0 * Double(index) / Double(sessions))))
                    return await SimulatedCandidate(
                        id: "load-\(UUID().uuidString.prefix(8))-\(index)", url: url, token: staffToken, frames: frames, fps: fps,
                        duration: duration, binary: binary, offset: index * 37
                    ).run()
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let wall = started.duration(to: .now)
        let after = await ServerProcessFigures.fetch(base: httpBase)
        let report = LoadTestReport(
            results: results, sessions: sessions, fps: fps, duration: duration,
            wallSeconds: wall.inSeconds,
            before: before, after: after)
        if json {
            try printJSON(report)
        } else {
            report.printSummary()
        }
    }

    /// Consecutive frames of the webcam and news clips at 640x480, as JPEG.
    static func loadFrames(folder: String, configuration: ProctorConfiguration) async throws -> [[UInt8]] {
        let pool = try await VisionRuntime.startPool(configuration, workers: 1)
        defer { pool.shutdown() }
        var frames: [[UInt8]] = []
        for name in ["webcam_gaze_center_left_center.mp4", "news_single_face_frontal.mp4"] {
            let path = URL(fileURLWithPath: folder).appendingPathComponent("video").appendingPathComponent(name).path
            frames += try await pool.run { _ in
                let reader = try VideoReader(path: path)
                var out: [[UInt8]] = []
                while let (frame, _) = try reader.nextFrame(), out.count < 240 {
                    out.append(try BenchCorpus.webcamFrame(frame))
                }
                return out
            }
        }
        guard !frames.isEmpty else { throw ValidationError("no frames in \(folder)/video") }
        return frames
    }
}

/// What one simulated candidate saw.
struct CandidateResult: Sendable {
    var sent = 0
    var analyses = 0
    var processed = 0
    var skipped = 0
    var dropped = 0
    var errors: [String: Int] = [:]
    /// Round trips of processed frames, milliseconds.
    var latencies: [Double] = []
    var connected = false
    var failure: String?
}

/// One candidate: connects, sends frames at a steady rate, reads every reply.
struct SimulatedCandidate: Sendable {
    let id: String
    let url: String
    let token: String
    let frames: [[UInt8]]
    let fps: Double
    let duration: Double
    let binary: Bool
    let offset: Int

    func run() async -> CandidateResult {
        let collector = ResultCollector()
        var logger = Logger(label: "loadtest")
        logger.logLevel = .error
        let frames = self.frames
        let fps = self.fps
        let duration = self.duration
        let binary = self.binary
        let offset = self.offset
        do {
            // The token rides in a header, never in the URL (which proxies log).
            try await WebSocketClient.connect(
                url: "\(url)/ws/\(id)", configuration: .init(maxFrameSize: 8 << 20, additionalHeaders: [.authorization: "Bearer \(token)"]), logger: logger
            ) {
                inbound, outbound, _ in
                await collector.connected()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        let start = ContinuousClock.now
                        var index = 0
                        while start.duration(to: .now) < .milliseconds(Int(duration * 1000)) {
                            let timestamp = Double(index) / fps
                            let frame = frames[(offset + Int(timestamp * 24)) % frames.count]
                            await collector.sent(timestamp: timestamp)
                            if binary {
                                try await outbound.write(.binary(ByteBuffer(bytes: frame)))
                            } else {
                                let message = #"{"type":"frame","timestamp":\#(timestamp),"data":""# + Data(frame).base64EncodedString() + #""}"#
                                try await outbound.write(.text(message))
                            }
                            index += 1
                            try await Task.sleep(until: start + .milliseconds(Int(Double(index) * 1000 / fps)), clock: .continuous)
                        }
                        try await Task.sleep(for: .seconds(2))  // let the last replies arrive
                        try await outbound.write(.text(#"{"type":"end"}"#))
                    }
                    for try await message in inbound.messages(maxSize: 8 << 20) {
                        guard case .text(let text) = message else { continue }
                        if await collector.receive(text) { break }
                    }
                    group.cancelAll()
                }
            }
        } catch {
            await collector.fail("\(error)")
        }
        return await collector.result
    }
}

/// Matches replies to sent frames by timestamp.
actor ResultCollector {
    private(set) var result = CandidateResult()
    private var sentAt: [Double: ContinuousClock.Instant] = [:]

    func connected() { result.connected = true }
    func fail(_ reason: String) { result.failure = reason }

    func sent(timestamp: Double) {
        result.sent += 1
        sentAt[timestamp] = .now
    }

    /// The fields of a server message the load test reads.
    struct Reply: Decodable {
        struct Metadata: Decodable {
            struct Performance: Decodable {
                var droppedFrames: Int?
                enum CodingKeys: String, CodingKey { case droppedFrames = "dropped_frames" }
            }
            var frameSkipped: Bool?
            var performance: Performance?
            enum CodingKeys: String, CodingKey {
                case frameSkipped = "frame_skipped"
                case performance
            }
        }
        var type: String
        var code: String?
        var timestamp: Double?
        var metadata: Metadata?
    }

    /// Records a reply; true when the session has ended.
    func receive(_ text: String) -> Bool {
        guard let reply = try? JSONDecoder().decode(Reply.self, from: Data(text.utf8)) else { return false }
        switch reply.type {
        case "analysis":
            result.analyses += 1
            let skipped = reply.metadata?.frameSkipped ?? false
            if let dropped = reply.metadata?.performance?.droppedFrames {
                result.dropped = max(result.dropped, dropped)
            }
            if skipped {
                result.skipped += 1
            } else {
                result.processed += 1
            }
            if let timestamp = reply.timestamp, let sent = sentAt.removeValue(forKey: timestamp), !skipped {
                result.latencies.append(sent.millisecondsElapsed)
            }
        case "error":
            result.errors[reply.code ?? "unknown", default: 0] += 1
        case "session_ended":
            return true
        default:
            break
        }
        return false
    }
}

/// CPU seconds and resident memory the server reports on /metrics.
struct ServerProcessFigures: Sendable, Codable {
    var cpuSeconds: Double
    var residentBytes: Double
    var at: Date

    static func fetch(base: String) async -> ServerProcessFigures? {
        guard let url = URL(string: "\(base)/metrics"), let (data, _) = try? await URLSession.shared.data(from: url) else { return nil }
        var cpu: Double?
        var rss: Double?
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else { continue }
            if parts[0] == "process_cpu_seconds_total" { cpu = value }
            if parts[0] == "process_resident_memory_bytes" { rss = value }
        }
        guard let cpu, let rss else { return nil }
        return ServerProcessFigures(cpuSeconds: cpu, residentBytes: rss, at: Date())
    }
}

struct LoadTestReport: Encodable {
    var sessions: Int
    var targetFps: Double
    var durationSeconds: Double
    var connected: Int
    var framesSent: Int
    var analyses: Int
    var processed: Int
    var skipped: Int
    var dropped: Int
    var errors: [String: Int]
    var failures: [String]
    var sentFps: Double
    var processedFps: Double
    var latencyMs: LatencyStatistics
    var serverCpuPercent: Double?
    var serverRssMegabytes: Double?
    var serverRssPerSessionMegabytes: Double?

    init(
        results: [CandidateResult], sessions: Int, fps: Double, duration: Double, wallSeconds: Double, before: ServerProcessFigures?,
        after: ServerProcessFigures?
    ) {
        self.sessions = sessions
        targetFps = fps
        durationSeconds = duration
        connected = results.filter(\.connected).count
        framesSent = results.reduce(0) { $0 + $1.sent }
        analyses = results.reduce(0) { $0 + $1.analyses }
        processed = results.reduce(0) { $0 + $1.processed }
        skipped = results.reduce(0) { $0 + $1.skipped }
        dropped = results.reduce(0) { $0 + $1.dropped }
        errors = results.reduce(into: [:]) { total, result in
            for (code, count) in result.errors { total[code, default: 0] += count }
        }
        failures = results.compactMap(\.failure)
        sentFps = Double(framesSent) / duration
        processedFps = Double(processed) / duration
        latencyMs = LatencyStatistics(results.flatMap(\.latencies))
        if let before, let after {
            let seconds = after.at.timeIntervalSince(before.at)
            serverCpuPercent = seconds > 0 ? 100 * (after.cpuSeconds - before.cpuSeconds) / seconds : nil
            serverRssMegabytes = after.residentBytes / 1_048_576
            serverRssPerSessionMegabytes = max(0, after.residentBytes - before.residentBytes) / 1_048_576 / Double(sessions)
        }
    }

    func printSummary() {
        print("loadtest: \(sessions) sessions x \(targetFps) fps for \(durationSeconds) s; \(connected) connected")
        print(
            String(
                format: "  frames sent %d (%.1f/s), analyses %d, processed %d (%.1f/s), skipped %d, dropped %d", framesSent, sentFps, analyses, processed,
                processedFps, skipped, dropped))
        print(
            String(
                format: "  round trip of processed frames: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", latencyMs.p50, latencyMs.p95,
                latencyMs.p99, latencyMs.max, latencyMs.count))
        print(
            "  errors \(errors.isEmpty ? "none" : errors.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))\(failures.isEmpty ? "" : "; connection failures \(failures.count): \(failures.first!)")"
        )
        if let cpu = serverCpuPercent, let rss = serverRssMegabytes, let perSession = serverRssPerSessionMegabytes {
            print(String(format: "  server CPU %.0f %% (of one core), RSS %.0f MB, +%.1f MB per session", cpu, rss, perSession))
        }
    }
}
