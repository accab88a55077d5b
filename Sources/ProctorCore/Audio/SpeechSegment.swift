/// A stretch of speech on a chunk's clock (seconds), with how sure the voice-activity model was.
public struct SpeechSegment: Sendable, Hashable, Codable {
    public var start: Double
    public var end: Double
    /// The mean speech probability of the segment's windows.
    public var probability: Double
    /// The segment runs to the end of its audio: the speech may go on in the next chunk.
    public var reachesEnd: Bool

    public init(start: Double, end: Double, probability: Double, reachesEnd: Bool = false) {
        self.start = start
        self.end = end
        self.probability = probability
        self.reachesEnd = reachesEnd
    }

    public var duration: Double { max(0, end - start) }
}
