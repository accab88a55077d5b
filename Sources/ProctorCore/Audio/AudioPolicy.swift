/// Whether an exam records the room's sound with the video.
///
/// `on` (the default) asks for the microphone and analyses speech when the candidate allows it; a
/// session without sound is not flagged for it. `required` makes the exam page refuse to start
/// without a microphone, and a chunk without sound becomes an `audio_unavailable` finding. `off`
/// never asks for the microphone.
public enum AudioPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case off
    case on
    case required

    /// Whether the candidate is asked for the microphone (and consents to it).
    public var capturesAudio: Bool { self != .off }
}
