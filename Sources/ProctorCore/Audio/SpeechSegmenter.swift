/// Speech segments from a voice-activity model's window probabilities, with hysteresis: speech
/// starts at a window at or above `onThreshold` and ends once the probability has stayed below
/// `offThreshold` for `mergeGapSeconds` (so short pauses stay inside), and segments shorter than
/// `minimumSpeechSeconds` are dropped. The same rule as Silero's `get_speech_timestamps`, streaming.
public struct SpeechSegmenter: Sendable, Hashable, Codable {
    public var onThreshold: Double
    public var offThreshold: Double
    public var minimumSpeechSeconds: Double
    public var mergeGapSeconds: Double

    private var start: Double?
    /// Where the probability last fell below `offThreshold` inside the current segment.
    private var quietSince: Double?
    private var sum = 0.0
    private var count = 0
    private var closed: [SpeechSegment] = []

    public init(onThreshold: Double = 0.5, offThreshold: Double = 0.35, minimumSpeechSeconds: Double = 0.25, mergeGapSeconds: Double = 0.3) {
        self.onThreshold = onThreshold
        self.offThreshold = min(offThreshold, onThreshold)
        self.minimumSpeechSeconds = minimumSpeechSeconds
        self.mergeGapSeconds = mergeGapSeconds
    }

    /// Feeds one window: its start time and length in seconds and its speech probability.
    public mutating func add(probability: Double, at time: Double, duration: Double) {
        if let segmentStart = start {
            if probability >= offThreshold {
                // Back above the off threshold before the gap ran out: still the same speech.
                if probability >= onThreshold || quietSince == nil { quietSince = nil }
                if quietSince == nil {
                    sum += probability
                    count += 1
                }
            } else {
                if quietSince == nil { quietSince = time }
                if let quiet = quietSince, time + duration - quiet >= mergeGapSeconds {
                    close(start: segmentStart, end: quiet, reachesEnd: false)
                }
            }
        } else if probability >= onThreshold {
            start = time
            quietSince = nil
            sum = probability
            count = 1
        }
    }

    /// Ends the stream at `time`: open speech closes there, marked as reaching the end.
    public mutating func finish(at time: Double) -> [SpeechSegment] {
        if let segmentStart = start {
            if let quiet = quietSince {
                close(start: segmentStart, end: quiet, reachesEnd: false)
            } else {
                close(start: segmentStart, end: max(segmentStart, time), reachesEnd: true)
            }
        }
        defer { closed = [] }
        return closed
    }

    /// Segments closed so far (taken: each is returned once).
    public mutating func takeClosed() -> [SpeechSegment] {
        defer { closed = [] }
        return closed
    }

    private mutating func close(start segmentStart: Double, end: Double, reachesEnd: Bool) {
        let segment = SpeechSegment(start: segmentStart, end: end, probability: count > 0 ? sum / Double(count) : onThreshold, reachesEnd: reachesEnd)
        if segment.duration >= minimumSpeechSeconds || (reachesEnd && segment.duration > 0) {
            // A segment cut by the end of the audio may continue in the next chunk: it is kept however
            // short, and joining across chunks (`SpanJoiner`) decides.
            closed.append(segment)
        }
        start = nil
        quietSince = nil
        sum = 0
        count = 0
    }
}
