/// Speech in recorded sessions: the policy, the voice-activity model and the rules that turn its
/// probabilities into speech segments and findings. Defaults are Silero VAD's own recommendations
/// (its `get_speech_timestamps`) unless a comment says what was measured here.
public struct AudioConfiguration: Sendable, Hashable, Codable {
    /// Analyse the sound of recorded chunks. Off: chunks are recorded with their sound but no speech
    /// is looked for.
    public var enabled = true
    /// The audio policy of a session created without one (`POST /api/sessions` `audio`).
    public var defaultPolicy = AudioPolicy.on
    /// Silero VAD (MIT), taken from its PyPI wheel by `scripts/setup.sh`. It needs ONNX Runtime
    /// (OpenCV DNN cannot run its recurrent graph); without it audio is reported as not analysed.
    public var model = "silero_vad.onnx"
    /// A window's speech probability at or above this starts speech.
    public var onThreshold = 0.5
    /// Speech ends when the probability stays below this for `mergeGapSeconds`.
    public var offThreshold = 0.35
    /// Shorter speech is dropped (a cough, a click).
    public var minimumSpeechSeconds = 0.25
    /// Pauses shorter than this stay inside one segment (the breath between two words).
    public var mergeGapSeconds = 0.3
    /// Frames per second the chunk processor looks at the mouth during speech (besides the 2 fps of
    /// the vision analysis): lips move at syllable rate (4-5 Hz), which 2 fps cannot follow.
    public var mouthSampleFps = 5.0
    /// Seconds before and after a speech segment whose frames still count for its mouth.
    public var mouthPaddingSeconds = 0.25
    /// The mouth rule (see `MouthActivityRule`).
    public var mouth = MouthActivityRule()
    /// Audio evidence: the clip of a finding, with this much sound before and after it, at most
    /// `maximumClipSeconds` long (Opus at 24 kbit/s: 3 kB per second).
    public var clipPaddingSeconds = 0.5
    public var maximumClipSeconds = 30.0

    public init() {}

    /// The segmenter these settings describe.
    public var segmenter: SpeechSegmenter {
        SpeechSegmenter(
            onThreshold: onThreshold, offThreshold: offThreshold, minimumSpeechSeconds: minimumSpeechSeconds, mergeGapSeconds: mergeGapSeconds)
    }
}
