/// Joins spans of one kind that a chunk boundary cut in two: the pieces of one incident (a stretch
/// of speech, a person in view) recorded in consecutive chunks come back as one span on the video
/// clock. Pieces from chunks further apart never join: a missing chunk between them is a gap in the
/// video, so their nearness on the video clock says nothing.
public enum SpanJoiner {
    public struct Span: Sendable, Hashable {
        public var id: String
        public var kind: String
        public var start: Double
        public var end: Double
        /// The chunk it came from.
        public var chunk: Int

        public init(id: String, kind: String, start: Double, end: Double, chunk: Int = 0) {
            self.id = id
            self.kind = kind
            self.start = start
            self.end = end
            self.chunk = chunk
        }
    }

    /// Groups of span ids, each group one span from its first member's start to its last's end:
    /// spans of the same kind whose gap is at most `maximumGap` seconds join, when they come from the
    /// same chunk or the next one.
    public static func groups(_ spans: [Span], maximumGap: Double) -> [[Span]] {
        var groups: [[Span]] = []
        for kind in Set(spans.map(\.kind)).sorted() {
            var current: [Span] = []
            var currentEnd = -Double.infinity
            var currentChunk = 0
            for span in spans.filter({ $0.kind == kind }).sorted(by: { ($0.start, $0.id) < ($1.start, $1.id) }) {
                if !current.isEmpty, span.start - currentEnd <= maximumGap, (0...1).contains(span.chunk - currentChunk) {
                    current.append(span)
                    currentEnd = max(currentEnd, span.end)
                    currentChunk = max(currentChunk, span.chunk)
                } else {
                    if !current.isEmpty { groups.append(current) }
                    current = [span]
                    currentEnd = span.end
                    currentChunk = span.chunk
                }
            }
            if !current.isEmpty { groups.append(current) }
        }
        return groups
    }
}
