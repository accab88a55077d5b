import ArgumentParser
import Foundation
import Logging
import ProctorCore
import ProctorPipeline
import ProctorRecording
import ProctorStore
import ProctorStoreSQLite
import ProctorVision

/// `proctor bench-recording`: chunk analysis throughput and merge time on real webm chunks, and
/// what the chunks' sound costs: the same chunks are analysed silent and with speech (espeak-ng's
/// voice for half of every 10 s, as Opus), and the audio stages are timed.
struct BenchRecordingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-recording",
        abstract: "Measure recorded-chunk analysis (video seconds per wall second) and merging (seconds per minute of video)."
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Test-data folder (the chunks are cut from its webcam clip).")
    var data: String?

    @Option(help: "Chunks to analyse.")
    var chunks = 6

    @Option(help: "Seconds per chunk.")
    var chunkSeconds = 10.0

    @Flag(help: "Analyse only the chunks with sound (skip the silent pass that the audio cost is compared with).")
    var soundOnly = false

    @Flag(help: "Plain blobs, as before encryption at rest (compare with the default, encrypted run).")
    var plain = false

    @Option(help: "Seconds between the starts of two spoken sentences (each about 5 s) in the chunks with sound; the rest is quiet room noise.")
    var speechEvery = 20.0

    @Option(
        help:
            "files: analysis and merge on a scratch folder (the default). s3: also upload, merge, finalize and play back through the storage.s3 bucket and the file store, and compare."
    )
    var storage = StorageOption.files

    @Flag(help: "With --storage s3, measure only the blob store (skip analysis and sound).")
    var storageOnly = false

    func run() async throws {
        let configuration = try common.loadConfiguration()
        let folder = data ?? ProcessInfo.processInfo.environment["PROCTOR_TESTDATA"] ?? BenchCommand.defaultTestData()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Encrypted as the server stores them (a data key per session in a scratch SQLite), unless --plain.
        let files = try FileBlobStore(root: scratch)
        let blobs: any BlobStore =
            plain
            ? files
            : EncryptingBlobStore(
                inner: files,
                keys: SessionKeyProvider(store: try SQLiteSessionStore(path: scratch.appendingPathComponent("keys.sqlite").path), keyring: .ephemeral()),
                segmentSize: configuration.protection.segmentBytes)
        let source = URL(fileURLWithPath: folder).appendingPathComponent("video/webcam_gaze_center_left_center.mp4").path

        // A sentence of espeak-ng's speech every `speechEvery` seconds over quiet pink noise (a room,
        // not digital silence), looped under the pictures.
        let voice = scratch.appendingPathComponent("voice.wav")
        _ = try await VideoTools.run(
            "espeak-ng", ["-w", voice.path, "The answer to question four is seventeen. Write it down quickly before the proctor sees."])
        let speech = scratch.appendingPathComponent("speech.wav")
        guard speechEvery >= 6 else { throw ValidationError("--speech-every must be at least 6 s (a sentence is about 5 s)") }
        _ = try await VideoTools.run(
            "ffmpeg",
            [
                "-nostdin", "-y", "-v", "error", "-i", voice.path, "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.003:sample_rate=22050",
                "-filter_complex", "[0:a]apad=whole_dur=\(speechEvery)[v];[v][1:a]amix=inputs=2:duration=first:normalize=0", "-ar", "48000", speech.path,
            ])

        // 640x480 VP8 chunks like a browser's, cut from the webcam clip (looped as needed), silent and with sound.
        func makeChunks(session: String, sound: Bool) async throws -> [ChunkRecord] {
            var records: [ChunkRecord] = []
            for index in 0..<chunks {
                let output = try blobs.temporaryURL(extension: "webm")
                var arguments = ["-nostdin", "-y", "-v", "error", "-stream_loop", "-1", "-ss", "\(Double(index) * 3)", "-t", "\(chunkSeconds)", "-i", source]
                if sound {
                    // Each chunk continues the sound where the previous one stopped.
                    let offset = (Double(index) * chunkSeconds).truncatingRemainder(dividingBy: speechEvery)
                    arguments += ["-stream_loop", "-1", "-ss", "\(offset)", "-t", "\(chunkSeconds)", "-i", speech.path, "-map", "0:v", "-map", "1:a"]
                }
                arguments += [
                    "-vf", "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=30,format=yuv420p",
                    "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M",
                ]
                arguments += sound ? ["-c:a", "libopus", "-ac", "1", "-t", "\(chunkSeconds)"] : ["-an"]
                arguments += ["-f", "webm", output.path]
                _ = try await VideoTools.run("ffmpeg", arguments)
                let key = BlobKeys.chunk(session, index)
                try await blobs.put(key, movingFileAt: output)
                records.append(
                    ChunkRecord(
                        sessionId: session, index: index, sha256: "", size: await blobs.size(key) ?? 0, blobKey: key, status: .uploaded, uploadedAt: Date()))
            }
            return records
        }
        let records = try await makeChunks(session: "bench", sound: false)
        if storage == .s3 {
            try await compareStorage(configuration: configuration, records: records, source: blobs, files: files)
            if storageOnly { return }
        }
        let sounding = try await makeChunks(session: "bench-sound", sound: true)
        let chunkRecords = records
        let pool = try await VisionRuntime.startPool(configuration, manySessions: true)
        defer { pool.shutdown() }
        var logger = Logger(label: "proctor.bench")
        logger.logLevel = .warning
        let vad = VisionRuntime.voiceActivity(configuration)
        if let note = vad.note { logger.warning("\(note)") }
        let processor = ChunkProcessor(
            pool: pool, blobs: blobs, configuration: configuration, logger: logger, voiceActivity: vad.detector, voiceActivityNote: vad.note)
        // Identity checks need a reference: the first face of the clip.
        let reference = try await blobs.withLocalFile(chunkRecords[0].blobKey) { url in
            try await pool.run { models -> FaceEmbedding? in
                let reader = try VideoReader(path: url.path)
                while let (frame, _) = try reader.nextFrame() {
                    if let face = try models.faceDetector.detect(in: frame).first { return try models.embedder.embedding(of: face, in: frame) }
                }
                return nil
            }
        }

        // As many chunks at once as there are CV workers, like `proctor worker --concurrency <cores>`.
        func analyse(_ chunkRecords: [ChunkRecord]) async throws -> (results: [ChunkProcessor.Result], seconds: Double, cpu: Double) {
            let cpuBefore = Self.cpuSeconds()
            let started = ContinuousClock.now
            let results = try await withThrowingTaskGroup(of: ChunkProcessor.Result.self) { group in
                var pending = chunkRecords[...]
                var finished: [ChunkProcessor.Result] = []
                for _ in 0..<min(pool.size, pending.count) {
                    let chunk = pending.removeFirst()
                    group.addTask { try await processor.process(chunk, reference: reference) }
                }
                while let result = try await group.next() {
                    finished.append(result)
                    if let chunk = pending.popFirst() { group.addTask { try await processor.process(chunk, reference: reference) } }
                }
                return finished
            }
            return (results, started.secondsElapsed, Self.cpuSeconds() - cpuBefore)
        }
        let silent = soundOnly ? nil : try await analyse(chunkRecords)
        let heard = try await analyse(sounding)
        let (results, analysisSeconds, _) = silent ?? heard
        let videoSeconds = results.reduce(0) { $0 + $1.duration }

        let mergeStarted = ContinuousClock.now
        let master = try blobs.temporaryURL(extension: "webm")
        try await blobs.withLocalFiles(records.map(\.blobKey)) { try await VideoTools.concatenate($0, into: master) }
        let merged = try await VideoTools.duration(of: master)
        let mergeSeconds = mergeStarted.secondsElapsed
        // Sealing and opening the master alone: what encryption adds to storing and reading a video.
        let masterBytes = Double((try? FileManager.default.attributesOfItem(atPath: master.path)[.size] as? NSNumber)?.intValue ?? 0)
        let sealStarted = ContinuousClock.now
        try await blobs.put(BlobKeys.master("bench"), movingFileAt: master)
        let sealSeconds = sealStarted.secondsElapsed
        let openStarted = ContinuousClock.now
        try await blobs.withLocalFile(BlobKeys.master("bench")) { _ in }
        let openSeconds = openStarted.secondsElapsed
        let rangeStarted = ContinuousClock.now
        var served = 0
        try await blobs.read(BlobKeys.master("bench"), range: nil) { served += $0.readableBytes }
        let rangeSeconds = rangeStarted.secondsElapsed

        let cores = ProcessInfo.processInfo.activeProcessorCount
        print(
            "proctor bench-recording: \(chunks) chunks x \(chunkSeconds) s of 640x480 VP8 at 30 fps, sampled at \(configuration.recording.sampleFps) fps, \(pool.size) CV workers, engine \(pool.engines["object_detector"] ?? "?")"
        )
        print(
            String(
                format: "  analysis: %.1f s of video in %.1f s = %.1f video-s per wall-s (%.1f per core), %d frames sampled, %d findings",
                videoSeconds, analysisSeconds, videoSeconds / analysisSeconds, videoSeconds / analysisSeconds / Double(cores),
                results.reduce(0) { $0 + $1.sampledFrames }, results.reduce(0) { $0 + $1.findings.count }))
        print(
            String(
                format: "  merge (ffmpeg concat, no re-encode): %.1f s of video in %.2f s = %.2f s per minute of video", merged, mergeSeconds,
                mergeSeconds / merged * 60))
        print(
            String(
                format: "  blobs %@: master %.1f MB stored in %.3f s (%.0f MB/s), opened to a local file in %.3f s (%.0f MB/s), streamed in %.3f s (%.0f MB/s)",
                plain ? "plain" : "encrypted (AES-GCM, \(configuration.protection.segmentBytes / 1024) KiB segments)", masterBytes / 1e6, sealSeconds,
                masterBytes / 1e6 / max(sealSeconds, 1e-6), openSeconds, masterBytes / 1e6 / max(openSeconds, 1e-6), rangeSeconds,
                Double(served) / 1e6 / max(rangeSeconds, 1e-6)))
        // The sound: ffmpeg's decoding and Silero VAD, timed per chunk; the mouth looks during speech
        // show in the throughput against the silent pass.
        let audioSeconds = heard.results.reduce(0) { $0 + $1.audio.seconds }
        let extractMs = heard.results.reduce(0) { $0 + $1.audio.extractMilliseconds }
        let modelMs = heard.results.reduce(0) { $0 + $1.audio.modelMilliseconds }
        let speechSeconds = heard.results.reduce(0) { $0 + $1.audio.segments.reduce(0) { $0 + $1.duration } }
        let heardVideo = heard.results.reduce(0) { $0 + $1.duration }
        let statuses = Dictionary(grouping: heard.results, by: { $0.audio.status.rawValue }).mapValues(\.count)
        print(
            String(
                format:
                    "  audio: %.1f s of sound (%.1f s speech, %d findings; %@), wall time: decode %.0f ms + voice model %.0f ms = %.1f s per minute of video, %.2f %% of one core per stream",
                audioSeconds, speechSeconds, heard.results.reduce(0) { $0 + $1.findings.filter { $0.source == .audio }.count },
                statuses.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", "), extractMs, modelMs,
                (extractMs + modelMs) / 1000 / max(heardVideo, 0.001) * 60, (extractMs + modelMs) / 1000 / max(heardVideo, 0.001) * 100))
        if let silent {
            let silentRate = videoSeconds / silent.seconds
            let heardRate = heardVideo / heard.seconds
            let silentCPU = silent.cpu / max(videoSeconds, 0.001) * 1000
            let heardCPU = heard.cpu / max(heardVideo, 0.001) * 1000
            print(
                String(
                    format:
                        "  CPU per video-second (this process and its ffmpeg children): %.0f ms silent, %.0f ms with sound = +%.1f ms, %.2f %% of one core per stream (speech %.0f %% of the time: the voice model, decoding, clips and the mouth during speech)",
                    silentCPU, heardCPU, heardCPU - silentCPU, (heardCPU - silentCPU) / 10, speechSeconds / max(heardVideo, 0.001) * 100))
            print(
                String(
                    format: "  throughput with sound: %.1f video-s per wall-s against %.1f silent (%+.1f %%)", heardRate, silentRate,
                    (heardRate / silentRate - 1) * 100))
        }
    }

    /// The same chunks through the file store and the configured bucket, one after the other.
    /// The blob traffic of a session through the folder and through the bucket, without the
    /// encryption layer (its cost is the same on both); `source` holds the chunks as the server
    /// stores them, read back as plain webm.
    func compareStorage(configuration: ProctorConfiguration, records: [ChunkRecord], source: any BlobStore, files blobs: FileBlobStore) async throws {
        var s3Configuration = configuration
        s3Configuration.storage.backend = .s3
        s3Configuration.storage.s3.prefix = "bench-\(UUID().uuidString.lowercased())"
        s3Configuration.server.dataDirectory = blobs.root.appendingPathComponent("s3-data").path
        var logger = Logger(label: "proctor.bench")
        logger.logLevel = .warning
        let bucket = try BlobStoreOpener.storage(configuration: s3Configuration, logger: logger)
        try await bucket.checkAvailable()
        let files = try await source.withLocalFiles(records.map(\.blobKey)) { urls in
            try await Self.storagePass(on: blobs, chunks: urls, session: "store-files", batchSize: configuration.recording.batchSize)
        }
        let s3 = try await source.withLocalFiles(records.map(\.blobKey)) { urls in
            try await Self.storagePass(on: bucket, chunks: urls, session: "store-s3", batchSize: configuration.recording.batchSize)
        }
        Self.printStorage(
            files: files, s3: s3, videoSeconds: Double(chunks) * chunkSeconds, bytes: records.reduce(0) { $0 + $1.size },
            endpoint: configuration.storage.s3.endpoint)
    }

    /// CPU seconds used so far by this process and its finished children (ffmpeg).
    static func cpuSeconds() -> Double {
        func seconds(_ who: __rusage_who_t) -> Double {
            var usage = rusage()
            getrusage(who, &usage)
            let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
            return user + system
        }
        return seconds(RUSAGE_SELF.rawValue) + seconds(RUSAGE_CHILDREN.rawValue)
    }
}
