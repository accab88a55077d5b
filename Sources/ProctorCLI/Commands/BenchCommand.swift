import ArgumentParser
import Foundation
import ProctorCore
import ProctorPipeline
import ProctorVision

/// `proctor bench`: per-stage and whole-frame latency, and throughput on all cores.
///
/// Frames come from the test videos and images, cropped to 4:3 and resized to 640x480 like a webcam,
/// then JPEG-encoded so that decoding is measured too. Run it from a release build.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure per-stage and whole-frame latency (p50/p95) and frames/s on all cores.",
        subcommands: [FairnessBenchCommand.self]
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Test-data folder with video/ and image folders (default: PROCTOR_TESTDATA or ../shared/testdata).")
    var data: String?

    @Option(help: "Frames per latency pass.")
    var frames = 80

    @Option(help: "Concurrent sessions in the throughput passes (default: 2 per worker).")
    var sessions: Int?

    @Option(help: "Seconds each throughput pass runs.")
    var seconds = 10.0

    @Flag(help: "Print the results as one JSON object.")
    var json = false

    func run() async throws {
        let configuration = try common.loadConfiguration()
        let folder = data ?? ProcessInfo.processInfo.environment["PROCTOR_TESTDATA"] ?? Self.defaultTestData()
        let pool = try await VisionRuntime.startPool(configuration)
        defer { pool.shutdown() }
        let corpus = try await BenchCorpus.load(from: folder, pool: pool, limit: max(frames, 10))
        if !json {
            print(
                "proctor bench: \(corpus.frames.count) frames 640x480 from \(folder); \(pool.size) CV workers, OpenCV \(OpenCVRuntime.version) with \(OpenCVRuntime.threadCount) thread(s) per call"
            )
        }

        var withObjects = configuration.pipeline
        withObjects.objects.interval = 0
        var withoutObjects = configuration.pipeline
        withoutObjects.objects.enabled = false
        // The same without the iris model, to show what eye gaze adds to a frame.
        var withoutIris = withoutObjects
        withoutIris.gaze.eyes.enabled = false

        let latencyWith = try await Self.latencyPass(corpus, configuration: withObjects, pool: pool, count: frames)
        let latencyWithout = try await Self.latencyPass(corpus, configuration: withoutObjects, pool: pool, count: frames)
        let latencyWithoutIris = try await Self.latencyPass(corpus, configuration: withoutIris, pool: pool, count: frames)

        // A continuous stream (the webcam clip at 2 frames/s): what the iris costs when the eyes are
        // steady most of the time, as in an exam, rather than on a new face every frame.
        let stream = try await BenchCorpus.loadStream(from: folder, pool: pool)
        let streamWith = try await Self.latencyPass(stream, configuration: withoutObjects, pool: pool, count: frames, interval: 0.5)
        let streamWithout = try await Self.latencyPass(stream, configuration: withoutIris, pool: pool, count: frames, interval: 0.5)

        let concurrent = sessions ?? pool.size * 2
        var liveMix = configuration.pipeline
        liveMix.objects.interval = 1.0
        var liveMixWithoutIris = liveMix
        liveMixWithoutIris.gaze.eyes.enabled = false
        let throughput = [
            ("no objects", try await Self.throughputPass(corpus, configuration: withoutObjects, pool: pool, sessions: concurrent, seconds: seconds)),
            ("objects every frame", try await Self.throughputPass(corpus, configuration: withObjects, pool: pool, sessions: concurrent, seconds: seconds)),
            ("2 fps, objects every 1 s", try await Self.throughputPass(corpus, configuration: liveMix, pool: pool, sessions: concurrent, seconds: seconds)),
            (
                "2 fps, objects every 1 s, no iris",
                try await Self.throughputPass(corpus, configuration: liveMixWithoutIris, pool: pool, sessions: concurrent, seconds: seconds)
            ),
            (
                "stream, 2 fps, objects every 1 s",
                try await Self.throughputPass(stream, configuration: liveMix, pool: pool, sessions: concurrent, seconds: seconds)
            ),
            (
                "stream, 2 fps, objects every 1 s, no iris",
                try await Self.throughputPass(stream, configuration: liveMixWithoutIris, pool: pool, sessions: concurrent, seconds: seconds)
            ),
        ]
        let report = BenchReport(
            frames: corpus.frames.count, workers: pool.size, opencvThreads: OpenCVRuntime.threadCount,
            stages: latencyWith.stages, wholeFrameWithObjects: latencyWith.whole, wholeFrameWithoutObjects: latencyWithout.whole,
            wholeFrameWithoutObjectsOrIris: latencyWithoutIris.whole,
            streamStages: streamWith.stages, streamIrisRuns: streamWith.irisRuns, streamDetectorRuns: streamWith.detectorRuns,
            streamWholeFrame: streamWith.whole, streamWholeFrameWithoutIris: streamWithout.whole,
            throughput: throughput.map { BenchReport.Throughput(mode: $0.0, sessions: concurrent, framesPerSecond: $0.1) }
        )
        if json {
            try printJSON(report)
        } else {
            report.printTable()
        }
    }

    static func defaultTestData() -> String {
        let checkout = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for candidate in ["../shared/testdata", checkout.appendingPathComponent("../shared/testdata").path]
        where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return "../shared/testdata"
    }

    /// One session, one frame at a time, sampling on with frames `interval` seconds apart (each one processed).
    static func latencyPass(
        _ corpus: BenchCorpus, configuration: PipelineConfiguration, pool: VisionWorkerPool, count: Int,
        interval: Double = 1
    ) async throws -> (stages: [String: LatencyStatistics], whole: LatencyStatistics, irisRuns: Double, detectorRuns: Double) {
        var pipeline = DetectionPipeline(sessionId: "bench", configuration: configuration, pool: pool)
        var stages: [String: [Double]] = [:]
        var whole: [Double] = []
        var withFace = 0
        var detected = 0
        let warmUp = 5
        for i in 0..<(count + warmUp) {
            let frame = corpus.frames[i % corpus.frames.count]
            let outcome = try await pipeline.process(encodedFrame: frame, timestamp: Double(i) * interval)
            guard i >= warmUp, !outcome.isSkipped else { continue }
            let s = outcome.message.metadata.stages
            whole.append(outcome.message.metadata.processingTimeMs)
            if s.faceDetectMs > 0 { detected += 1 }
            for (name, value) in [
                ("decode", s.decodeMs), ("sampling", s.samplingMs), ("light", s.lightMs), ("preprocess", s.preprocessMs), ("face_detect", s.faceDetectMs),
                ("landmarks_pose", s.landmarksPoseMs), ("objects", s.objectsMs), ("behaviour_risk", s.behaviourRiskMs),
            ] {
                stages[name, default: []].append(value)
            }
            // The iris stage exists on frames with a posed face; its figures are over those frames.
            if s.irisMs > 0 {
                stages["iris", default: []].append(s.irisMs)
                withFace += 1
            }
        }
        // Share of those frames on which the model ran: a run is about 2 ms a crop; cropping and
        // comparing the crops alone is a few tenths of a millisecond.
        let runs = (stages["iris"] ?? []).filter { $0 > 1.2 }.count
        return (
            stages.mapValues(LatencyStatistics.init), LatencyStatistics(whole), withFace == 0 ? 0 : Double(runs) / Double(withFace),
            whole.isEmpty ? 0 : Double(detected) / Double(whole.count)
        )
    }

    /// Many sessions at once for a fixed time, frames half a second apart; returns processed frames per second.
    static func throughputPass(_ corpus: BenchCorpus, configuration: PipelineConfiguration, pool: VisionWorkerPool, sessions: Int, seconds: Double) async throws
        -> Double
    {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let started = ContinuousClock.now
        let processed = try await withThrowingTaskGroup(of: Int.self) { group in
            for session in 0..<sessions {
                group.addTask {
                    var pipeline = DetectionPipeline(sessionId: "bench-\(session)", configuration: configuration, pool: pool)
                    var count = 0
                    var i = 0
                    while ContinuousClock.now < deadline {
                        let frame = corpus.frames[(i + session * 7) % corpus.frames.count]
                        let outcome = try await pipeline.process(encodedFrame: frame, timestamp: Double(i) * 0.5)
                        if !outcome.isSkipped { count += 1 }
                        i += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(processed) / started.secondsElapsed
    }
}

/// Webcam-like JPEG frames for benchmarking.
struct BenchCorpus: Sendable {
    var frames: [[UInt8]]

    static func load(from folder: String, pool: VisionWorkerPool, limit: Int) async throws -> BenchCorpus {
        let root = URL(fileURLWithPath: folder)
        let fileManager = FileManager.default
        var frames: [[UInt8]] = []
        let videos = ((try? fileManager.contentsOfDirectory(atPath: root.appendingPathComponent("video").path)) ?? []).sorted()
        for name in videos where MediaKind(path: name) == .video {
            let path = root.appendingPathComponent("video").appendingPathComponent(name).path
            frames += try await pool.run { _ in
                let reader = try VideoReader(path: path)
                var out: [[UInt8]] = []
                var index = 0
                while let (frame, _) = try reader.nextFrame(), out.count < 15 {
                    if index % 4 == 0 { out.append(try webcamFrame(frame)) }
                    index += 1
                }
                return out
            }
        }
        for folderName in ["head_pose", "objects_people", "no_face", "face_verification"] {
            let directory = root.appendingPathComponent(folderName)
            for name in ((try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
            where ["jpg", "png"].contains(URL(fileURLWithPath: name).pathExtension) {
                guard frames.count < limit, let data = fileManager.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
                frames.append(try await pool.run { _ in try webcamFrame(try Image.decode([UInt8](data))) })
            }
        }
        guard !frames.isEmpty else { throw ValidationError("no test frames found in \(folder); pass --data") }
        return BenchCorpus(frames: frames)
    }

    /// Consecutive frames of the webcam clip at 2 frames/s (every 12th of its 24), webcam-like.
    static func loadStream(from folder: String, pool: VisionWorkerPool) async throws -> BenchCorpus {
        let path = URL(fileURLWithPath: folder).appendingPathComponent("video/webcam_gaze_center_left_center.mp4").path
        let frames = try await pool.run { _ in
            let reader = try VideoReader(path: path)
            var out: [[UInt8]] = []
            var index = 0
            while let (frame, _) = try reader.nextFrame() {
                if index % 12 == 0 { out.append(try webcamFrame(frame)) }
                index += 1
            }
            return out
        }
        guard !frames.isEmpty else { throw ValidationError("no frames in \(path)") }
        return BenchCorpus(frames: frames)
    }

    /// Centre-crops to 4:3 and resizes to 640x480, then encodes as JPEG (quality 80).
    static func webcamFrame(_ image: Image) throws -> [UInt8] {
        let targetAspect = 4.0 / 3.0
        var x = 0
        var y = 0
        var width = image.width
        var height = image.height
        if Double(width) / Double(height) > targetAspect {
            width = Int(Double(height) * targetAspect)
            x = (image.width - width) / 2
        } else {
            height = Int(Double(width) / targetAspect)
            y = (image.height - height) / 2
        }
        return try image.cropped(x: x, y: y, width: width, height: height).resized(width: 640, height: 480).jpegData(quality: 80)
    }
}

struct BenchReport: Encodable {
    struct Throughput: Encodable {
        var mode: String
        var sessions: Int
        var framesPerSecond: Double
    }

    var frames: Int
    var workers: Int
    var opencvThreads: Int
    var stages: [String: LatencyStatistics]
    var wholeFrameWithObjects: LatencyStatistics
    var wholeFrameWithoutObjects: LatencyStatistics
    var wholeFrameWithoutObjectsOrIris: LatencyStatistics
    /// The webcam clip as a stream: its stages (where the face is followed, not detected, on most
    /// frames), the share of its frames that ran the iris model and the face detector, and the whole
    /// frame (no objects) with and without the iris.
    var streamStages: [String: LatencyStatistics]
    var streamIrisRuns: Double
    var streamDetectorRuns: Double
    var streamWholeFrame: LatencyStatistics
    var streamWholeFrameWithoutIris: LatencyStatistics
    var throughput: [Throughput]

    func printTable() {
        func row(_ name: String, _ s: LatencyStatistics) {
            print(name.padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: "%8.1f %8.1f %8.1f", s.p50, s.p95, s.mean))
        }
        print("\n" + "stage (one session, objects every frame)".padding(toLength: 40, withPad: " ", startingAt: 0) + "     p50      p95     mean  [ms]")
        for name in ["decode", "sampling", "light", "preprocess", "face_detect", "landmarks_pose", "iris", "objects", "behaviour_risk"] {
            if let s = stages[name] { row("  " + (name == "iris" ? "iris (\(s.count) frames with a face)" : name), s) }
        }
        row("whole frame, with objects", wholeFrameWithObjects)
        row("whole frame, without objects", wholeFrameWithoutObjects)
        row("whole frame, without objects or iris", wholeFrameWithoutObjectsOrIris)
        print(
            String(
                format: "\nwebcam clip as a stream, 2 fps, no objects (the face detector ran on %.0f %% of the frames, the iris model on %.0f %%)",
                streamDetectorRuns * 100, streamIrisRuns * 100))
        for name in ["decode", "sampling", "light", "preprocess", "face_detect", "landmarks_pose", "iris", "behaviour_risk"] {
            if let s = streamStages[name] { row("  " + name, s) }
        }
        row("whole frame", streamWholeFrame)
        row("whole frame, without iris", streamWholeFrameWithoutIris)
        print("\nthroughput on \(workers) workers")
        for t in throughput {
            print(
                "  " + "\(t.mode), \(t.sessions) sessions".padding(toLength: 56, withPad: " ", startingAt: 0)
                    + String(format: "%7.1f frames/s", t.framesPerSecond))
        }
    }
}
