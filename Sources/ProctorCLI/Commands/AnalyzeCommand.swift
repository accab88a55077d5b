import ArgumentParser
import Foundation
import ProctorCore
import ProctorPipeline
import ProctorRecording
import ProctorVision

/// `proctor analyze FILE...`: one analysis JSON line per image, or per processed frame of a video.
struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse images (jpg, png) and videos (mp4, webm, avi) and print one analysis JSON object per line."
    )

    @OptionGroup var common: CommonOptions

    @Flag(name: .customLong("no-preprocess"), help: "Skip CLAHE, bilateral filter and gamma.")
    var noPreprocess = false

    @Flag(name: .long, help: "Analyse only the region of interest (top 70 % of the frame by default).")
    var roi = false

    @Option(name: .customLong("objects-every"), help: "Seconds between object-detection passes in videos (0 = every processed frame).")
    var objectsEvery: Double?

    @Argument(help: "Image or video files.")
    var files: [String]

    func run() async throws {
        var configuration = try common.loadConfiguration()
        if noPreprocess { configuration.pipeline.preprocessing.enabled = false }
        if roi { configuration.pipeline.roi.enabled = true }
        if let objectsEvery {
            guard objectsEvery >= 0 else { throw ValidationError("--objects-every must be 0 or more seconds") }
            configuration.pipeline.objects.interval = objectsEvery
        }
        let pool = try await VisionRuntime.startPool(configuration)
        defer { pool.shutdown() }
        var failures = 0
        for file in files {
            do {
                if MediaKind(path: file) == .video {
                    try await analyzeVideo(file, configuration: configuration, pool: pool)
                } else {
                    try await analyzeImage(file, configuration: configuration.pipeline, pool: pool)
                }
            } catch {
                failures += 1
                printError("proctor: \(file): \(error)")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// Still images: sampling off, every detector on.
    private func analyzeImage(_ file: String, configuration: PipelineConfiguration, pool: VisionWorkerPool) async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw VisionError(.io, "cannot read file")
        }
        var still = configuration
        still.sampling.enabled = false
        var pipeline = DetectionPipeline(sessionId: file, configuration: still, pool: pool)
        let outcome = try await pipeline.process(encodedFrame: [UInt8](data), timestamp: 0)
        try printLine(outcome.message)
    }

    /// Videos: every frame goes through sampling at its own timestamp; processed frames are printed.
    /// A video with sound then gets one `audio` line and a `speech` line per speech segment, with
    /// whose voice it is (`SpeechLine`), as a recorded chunk's sound is analysed.
    private func analyzeVideo(_ file: String, configuration: ProctorConfiguration, pool: VisionWorkerPool) async throws {
        guard FileManager.default.isReadableFile(atPath: file) else { throw VisionError(.io, "cannot read file") }
        let voice = VisionRuntime.voiceActivity(configuration)
        let speech = SpeechAnalyser(pool: pool, configuration: configuration.audio, voiceActivity: voice.detector, note: voice.note)
        let audio = await speech.analyse(URL(fileURLWithPath: file), previous: nil)
        var mouths = SpeechAnalyser.MouthCollector(segments: audio.segments, configuration: configuration.audio)
        let reader = try await pool.run { _ in SequentialVideoReader(try VideoReader(path: file)) }
        let pipelineConfiguration = configuration.pipeline
        var pipeline = DetectionPipeline(sessionId: file, configuration: pipelineConfiguration, pool: pool)
        var frames = 0
        while let (frame, timestamp) = try await pool.run({ _ in try reader.next() }) {
            frames += 1
            let outcome = try await pipeline.process(frame: frame, timestamp: timestamp)
            if !outcome.isSkipped { try printLine(outcome.message) }
            if let mouth = outcome.mouth {
                mouths.add(mouth, face: outcome.mainFace)
            } else {
                try await speech.lookAtMouth(in: frame, at: timestamp, into: &mouths, configuration: pipelineConfiguration)
            }
        }
        guard frames > 0 else { throw VisionError(.notAnImage, "video has no decodable frames") }
        guard audio.status != .noAudio else { return }
        try printJSONLine(AudioLine(audio))
        for (segment, verdict) in speech.attribute(audio.segments, mouths: mouths.samples) {
            try printJSONLine(SpeechLine(segment: segment, verdict: verdict))
        }
    }

    private func printJSONLine(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(data)
    }

    private func printLine(_ message: AnalysisMessage) throws {
        var data = try message.jsonData()
        data.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(data)
    }
}

/// Whether a path names a video or an image, by its extension.
enum MediaKind {
    case image, video

    init(path: String) {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        self = ["mp4", "webm", "avi", "mkv", "mov", "m4v"].contains(ext) ? .video : .image
    }
}

/// `{"type":"audio","status","codec","seconds","speech_segments","message"?}`: what a video's sound gave.
struct AudioLine: Encodable {
    var type = "audio"
    var status: ChunkAudioAnalysis.Status
    var codec: String?
    var seconds: Double
    var speechSegments: Int
    var message: String?

    init(_ audio: ChunkAudioAnalysis) {
        status = audio.status
        codec = audio.codec
        seconds = (audio.seconds * 1000).rounded() / 1000
        speechSegments = audio.segments.count
        message = audio.message
    }
}

/// `{"type":"speech","start","end","probability","finding","confidence","frames","face_share","mouth_movement"?,"mouth_opening"?}`:
/// one speech segment (seconds into the video) and the finding it makes (`talking`, `other_voice`, `speech_no_face`).
struct SpeechLine: Encodable {
    var type = "speech"
    var start: Double
    var end: Double
    var probability: Double
    var finding: ViolationKind
    var confidence: Double
    var frames: Int
    var faceShare: Double
    var mouthMovement: Double?
    var mouthOpening: Double?

    init(segment: SpeechSegment, verdict: MouthActivityRule.Verdict) {
        let round = { (value: Double) in (value * 1000).rounded() / 1000 }
        start = round(segment.start)
        end = round(segment.end)
        probability = round(segment.probability)
        finding = verdict.kind
        confidence = round(verdict.confidence)
        frames = verdict.frames
        faceShare = round(verdict.faceShare)
        mouthMovement = verdict.movement.map(round)
        mouthOpening = verdict.meanOpening.map(round)
    }
}
