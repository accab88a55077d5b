/// Whose voice a speech segment is, from the candidate's mouth in the frames of that time.
///
/// Speech while the mouth moves is the candidate `talking`; speech while the face is in view with a
/// still, closed mouth is `other_voice` (someone else is speaking); speech with no face in view is
/// `speech_no_face`. A talking mouth opens and closes at syllable rate, so both how much the opening
/// varies and how often it is open count. Thresholds between what the dev clips measured (README,
/// "How the sound is analysed"): the still candidate of the webcam clip varies by 0.003-0.004
/// (standard deviation, mean opening 0.01, open above 0.12 on no frame); the newsreader varies by
/// 0.064-0.067 (mean opening 0.17).
public struct MouthActivityRule: Sendable, Hashable, Codable {
    /// A mouth whose opening varies by at least this (standard deviation over the segment) moves.
    public var movementThreshold = 0.035
    /// A mouth opened at least this far (inner lips over mouth width) is open.
    public var openThreshold = 0.12
    /// A mouth open on at least this share of the frames counts as talking too (a long vowel).
    public var openShare = 0.35
    /// A face must be in view on at least this share of the frames for the mouth to decide.
    public var faceShare = 0.5
    /// At least this many frames with a measured mouth are needed to call the mouth still; with fewer
    /// the segment is `other_voice` only when none of them is open (and says it saw few frames).
    public var minimumFrames = 3

    public init() {}

    /// What a speech segment was, how sure the rule is, and what it measured.
    public struct Verdict: Sendable, Hashable {
        public var kind: ViolationKind
        /// 0...1: the voice model's certainty times how clearly the mouth (or its absence) decided.
        public var confidence: Double
        public var frames: Int
        public var faceShare: Double
        /// Standard deviation and mean of the lip opening; nil without a measured mouth.
        public var movement: Double?
        public var meanOpening: Double?
    }

    /// Attributes `segment` using the mouth samples in its time (the caller passes those within the
    /// segment plus padding).
    public func verdict(for segment: SpeechSegment, samples: [MouthSample]) -> Verdict {
        let frames = samples.count
        let withFace = samples.filter { $0.faceCount > 0 }
        let share = frames > 0 ? Double(withFace.count) / Double(frames) : 0
        let openings = withFace.compactMap(\.opening)
        let speech = max(0, min(1, segment.probability))
        guard frames > 0, share >= faceShare, !openings.isEmpty else {
            // No face in view (or none measured): the voice is not the visible candidate's.
            let clarity = frames > 0 ? 1 - share : 0.5
            return Verdict(kind: .speechNoFace, confidence: speech * (0.5 + 0.5 * clarity), frames: frames, faceShare: share, movement: nil, meanOpening: nil)
        }
        let mean = openings.reduce(0, +) / Double(openings.count)
        let variance = openings.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(openings.count)
        let deviation = variance.squareRoot()
        let open = Double(openings.filter { $0 >= openThreshold }.count) / Double(openings.count)
        let moving = deviation >= movementThreshold || open >= openShare
        if moving {
            // How far past the thresholds the mouth went: 1 at twice the movement threshold.
            let clarity = max(min(1, deviation / (2 * movementThreshold)), min(1, open / max(openShare, 1e-6)))
            return Verdict(kind: .talking, confidence: speech * (0.5 + 0.5 * clarity), frames: frames, faceShare: share, movement: deviation, meanOpening: mean)
        }
        // A still mouth: the stiller and the more frames, the surer.
        let stillness = max(0, 1 - deviation / movementThreshold) * (open == 0 ? 1 : 0.7)
        let enough = min(1, Double(openings.count) / Double(max(1, minimumFrames)))
        return Verdict(
            kind: .otherVoice, confidence: speech * (0.4 + 0.6 * stillness * enough), frames: frames, faceShare: share, movement: deviation, meanOpening: mean)
    }
}
