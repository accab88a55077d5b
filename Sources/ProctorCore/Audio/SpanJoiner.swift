/// Joins spans of one kind that a chunk boundary cut in two: the pieces of one stretch of speech
/// recorded in consecutive chunks come back as one span on the video clock.
public enum SpanJoiner {
    public struct Span: Sendable, Hashable {
        public var id: String
        public var kind: String
        public var start: Double
        public var end: Double

        public init(id: String, kind: String, start: Double, end: Double) {
            self.id = id
            self.kind = kind
            self.start = start
            self.end = end
        }
    }

    /// Groups of span ids, each group one span from its first member's start to its last's end:
    /// spans of the same kind whose gap is at most `maximumGap` seconds join.
    public static func groups(_ spans: [Span], maximumGap: Double) -> [[Span]] {
        var groups: [[Span]] = []
        for kind in Set(spans.map(\.kind)).sorted() {
            var current: [Span] = []
            var currentEnd = -Double.infinity
            for span in spans.filter({ $0.kind == kind }).sorted(by: { ($0.start, $0.id) < ($1.start, $1.id) }) {
                if !current.isEmpty, span.start - currentEnd <= maximumGap {
                    current.append(span)
                    currentEnd = max(currentEnd, span.end)
                } else {
                    if !current.isEmpty { groups.append(current) }
                    current = [span]
                    currentEnd = span.end
                }
            }
            if !current.isEmpty { groups.append(current) }
        }
        return groups
    }
}
