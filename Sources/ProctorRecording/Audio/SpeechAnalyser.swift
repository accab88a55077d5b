import Foundation
import ProctorCore
import ProctorPipeline
import ProctorVision

/// Speech in a recorded file: the sound's voice activity (Silero VAD over ffmpeg's 16 kHz mono
/// decoding), the mouth of the candidate in the frames of that time, and whose voice each segment
/// is (`MouthActivityRule`). Used by the chunk processor and by `proctor analyze`.
public struct SpeechAnalyser: Sendable {
    public let pool: VisionWorkerPool
    public let configuration: AudioConfiguration
    /// Nil when the model or ONNX Runtime is missing (`note` says why).
    public let voiceActivity: VoiceActivityDetector?
    public let note: String?

    public init(pool: VisionWorkerPool, configuration: AudioConfiguration, voiceActivity: VoiceActivityDetector?, note: String? = nil) {
        self.pool = pool
        self.configuration = configuration
        self.voiceActivity = voiceActivity
        self.note = note
    }

    /// Finds the speech in a chunk's sound: ffmpeg decodes it to 16 kHz mono, Silero VAD gives each
    /// 32 ms window a probability (its state carried in from the session's previous chunk), and the
    /// segmenter turns them into speech segments. Never throws: a chunk without usable sound says why
    /// in its status and its video is analysed all the same. `previous`: the voice model's state
    /// after the session's previous chunk, when known.
    public func analyse(_ url: URL, previous: VoiceActivityState?) async -> ChunkAudioAnalysis {
        let settings = configuration
        guard settings.enabled else { return ChunkAudioAnalysis(status: .notAnalysed, message: "audio analysis is switched off") }
        guard let voiceActivity else {
            // Without the model, say at least whether the chunk had sound.
            let codec = try? await AudioTrack.codec(of: url)
            return ChunkAudioAnalysis(
                status: codec == nil ? .noAudio : .notAnalysed, message: codec == nil ? "the chunk has no sound" : (note ?? "no voice-activity model"),
                codec: codec ?? nil)
        }
        let extractStarted = ContinuousClock.now
        let raw = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-\(UUID().uuidString).f32")
        let codec: String
        do {
            // One ffmpeg run, no ffprobe first (a process start is a good part of the cost): it says
            // which codec it decoded, or that there was no audio stream.
            guard let decoded = try await AudioTrack.extractSamples(from: url, to: raw) else {
                return ChunkAudioAnalysis(status: .noAudio, message: "the chunk has no sound")
            }
            codec = decoded
        } catch {
            try? FileManager.default.removeItem(at: raw)
            return ChunkAudioAnalysis(status: .unreadable, message: "the sound cannot be decoded: \(error)")
        }
        defer { try? FileManager.default.removeItem(at: raw) }
        let extractMs = extractStarted.millisecondsElapsed
        do {
            let modelStarted = ContinuousClock.now
            let initial = previous ?? VoiceActivityState()
            // The previous chunk's last partial window comes first: window k starts there.
            let carried = initial.pending.count
            let (probabilities, state, samples) = try await pool.run { _ in
                var state = initial
                let samples = try AudioTrack.readSamples(at: raw)
                let probabilities = try voiceActivity.probabilities(of: samples, state: &state)
                return (probabilities, state, samples.count)
            }
            let rate = Double(VoiceActivityDetector.sampleRate)
            let window = Double(VoiceActivityDetector.windowSamples) / rate
            var segmenter = settings.segmenter
            for (index, probability) in probabilities.enumerated() {
                let start = (Double(index * VoiceActivityDetector.windowSamples) - Double(carried)) / rate
                segmenter.add(probability: Double(probability), at: max(0, start), duration: window)
            }
            let seconds = Double(samples) / rate
            let segments = segmenter.finish(at: seconds)
            return ChunkAudioAnalysis(
                status: .analysed, codec: codec, seconds: seconds, segments: segments, state: state, extractMilliseconds: extractMs,
                modelMilliseconds: modelStarted.millisecondsElapsed)
        } catch {
            return ChunkAudioAnalysis(status: .unreadable, message: "the sound cannot be analysed: \(error)", codec: codec, extractMilliseconds: extractMs)
        }
    }

    /// Whether a frame at `timestamp` lies in (or near) speech, so its mouth is worth a look.
    public static func isNearSpeech(_ timestamp: Double, _ segments: [SpeechSegment], padding: Double) -> Bool {
        segments.contains { timestamp >= $0.start - padding && timestamp <= $0.end + padding }
    }

    /// Collects the mouth on frames near speech, at `mouthSampleFps` in all: the frames the vision
    /// analysis processes give theirs, and frames in between are looked at only for the mouth.
    public struct MouthCollector: Sendable {
        let segments: [SpeechSegment]
        let padding: Double
        let interval: Double
        private var last: Double?
        /// The face of the last look, where the next look's mesh starts.
        public var face: DetectedFace?
        public private(set) var samples: [MouthSample] = []

        public init(segments: [SpeechSegment], configuration: AudioConfiguration) {
            self.segments = segments
            padding = configuration.mouthPaddingSeconds
            interval = configuration.mouthSampleFps > 0 ? 1 / configuration.mouthSampleFps : .infinity
        }

        /// Whether the frame at `timestamp` is near speech.
        public func isNearSpeech(_ timestamp: Double) -> Bool {
            !segments.isEmpty && SpeechAnalyser.isNearSpeech(timestamp, segments, padding: padding)
        }

        /// Whether a frame at `timestamp` that the vision analysis skips should be looked at.
        public func wants(_ timestamp: Double) -> Bool {
            isNearSpeech(timestamp) && (last.map { timestamp - $0 >= interval - 0.001 } ?? true)
        }

        /// Keeps a mouth near speech (from a processed frame or a look of its own).
        public mutating func add(_ sample: MouthSample, face: DetectedFace?) {
            guard isNearSpeech(sample.timestamp) else { return }
            samples.append(sample)
            last = sample.timestamp
            self.face = face
        }
    }

    /// Looks at the mouth on a frame the vision analysis did not process, when `mouths` wants it
    /// (near speech, and not looked at too recently): the face mesh on a CV worker, from the last face.
    public func lookAtMouth(
        in frame: Image, at timestamp: Double, into mouths: inout MouthCollector, configuration: PipelineConfiguration
    ) async throws {
        guard mouths.wants(timestamp) else { return }
        let near = mouths.face
        let look = try await pool.run { models in try models.mouth(in: frame, at: timestamp, near: near, configuration: configuration) }
        mouths.add(look.sample, face: look.face)
    }

    /// Each segment with whose voice it is.
    public func attribute(_ segments: [SpeechSegment], mouths: [MouthSample]) -> [(SpeechSegment, MouthActivityRule.Verdict)] {
        segments.map { segment in
            let padding = configuration.mouthPaddingSeconds
            let samples = mouths.filter { $0.timestamp >= segment.start - padding && $0.timestamp <= segment.end + padding }
            return (segment, configuration.mouth.verdict(for: segment, samples: samples))
        }
    }
}
