/// Findings that overlap in time are one incident for a reviewer: three strangers in view are a
/// `multiple_people` and an `identity_mismatch` finding at once, one thing to look at and decide.
///
/// Spans are compared on one clock (the video's, or the live stream's); two overlap when each
/// starts before the other ends, give or take `slack` seconds (findings of one moment seen by
/// different detectors rarely start on the same frame). Overlap is transitive: a chain of
/// overlapping findings is one incident. Only groups of two or more are incidents.
public enum IncidentGrouping {
    public struct Span: Sendable, Hashable {
        public var id: String
        public var start: Double
        public var end: Double

        public init(id: String, start: Double, end: Double) {
            self.id = id
            self.start = start
            self.end = max(start, end)
        }
    }

    public struct Incident: Sendable, Hashable {
        /// `incident-` and the id of its earliest finding: stable while its findings are.
        public var id: String
        /// Its findings' ids, in time order.
        public var memberIds: [String]
        public var start: Double
        public var end: Double
    }

    /// Seconds by which two findings may miss each other and still be one incident.
    public static let defaultSlack = 0.5

    public static func incidents(_ spans: [Span], slack: Double = defaultSlack) -> [Incident] {
        var incidents: [Incident] = []
        var current: [Span] = []
        var currentEnd = -Double.infinity
        func close() {
            if current.count > 1, let first = current.first {
                incidents.append(Incident(id: "incident-\(first.id)", memberIds: current.map(\.id), start: first.start, end: currentEnd))
            }
        }
        for span in spans.sorted(by: { ($0.start, $0.end, $0.id) < ($1.start, $1.end, $1.id) }) {
            if !current.isEmpty, span.start <= currentEnd + slack {
                current.append(span)
                currentEnd = max(currentEnd, span.end)
            } else {
                close()
                current = [span]
                currentEnd = span.end
            }
        }
        close()
        return incidents
    }

    /// An incident's decision from its findings': the common one, nil when none is decided, and
    /// `mixed` otherwise (decided differently, or some not yet).
    public static func decision(of decisions: [FindingDecision?]) -> IncidentDecision? {
        let distinct = Set(decisions.map { $0?.rawValue ?? "" })
        guard distinct.count == 1, let only = decisions.first else { return .mixed }
        return only.map { $0 == .confirmed ? .confirmed : .dismissed }
    }
}

/// What the review list shows for an incident's decision.
public enum IncidentDecision: String, Sendable, Hashable, Codable {
    case confirmed
    case dismissed
    case mixed
}
