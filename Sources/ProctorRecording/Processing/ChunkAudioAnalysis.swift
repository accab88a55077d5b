import Foundation
import ProctorCore
import ProctorVision

/// What a chunk's sound gave: its status, the speech in it and the voice model's state after it.
public struct ChunkAudioAnalysis: Sendable {
    /// Whether the chunk's sound was analysed, and if not why.
    public enum Status: String, Sendable, Hashable, Codable {
        case analysed
        /// The chunk has no audio stream (policy off, no microphone, refused).
        case noAudio = "no_audio"
        /// It has one, and it cannot be decoded.
        case unreadable
        /// Audio analysis is off, or its model or ONNX Runtime is missing.
        case notAnalysed = "not_analysed"
    }

    public var status: Status
    /// Why, in plain words, when not analysed.
    public var message: String?
    public var codec: String?
    /// Seconds of sound analysed.
    public var seconds: Double
    /// Speech on the chunk's clock.
    public var segments: [SpeechSegment]
    /// For the next chunk of the session.
    public var state: VoiceActivityState?
    /// Wall time spent: extraction with ffmpeg, then the voice model.
    public var extractMilliseconds: Double
    public var modelMilliseconds: Double

    public init(
        status: Status, message: String? = nil, codec: String? = nil, seconds: Double = 0, segments: [SpeechSegment] = [],
        state: VoiceActivityState? = nil, extractMilliseconds: Double = 0, modelMilliseconds: Double = 0
    ) {
        self.status = status
        self.message = message
        self.codec = codec
        self.seconds = seconds
        self.segments = segments
        self.state = state
        self.extractMilliseconds = extractMilliseconds
        self.modelMilliseconds = modelMilliseconds
    }
}
