/// How urgently a session needs a human look. It ranks the dashboard; it never says anyone cheated.
///
/// A session's priority is the larger of the highest live risk score and a score built from its
/// recorded events the same way a frame's risk is built: each kind of finding adds its points once,
/// and each repeat of it adds the repeat points (capped), so ten short glances do not outrank a second
/// person in the room. Events a reviewer dismissed do not count.
public struct ReviewPriority: Sendable, Hashable, Comparable {
    /// 0–100.
    public var score: Double
    public var reviewed: Bool

    public init(score: Double, reviewed: Bool) {
        self.score = score
        self.reviewed = reviewed
    }

    /// - Parameters:
    ///   - maxLiveRisk: the highest risk score the live analysis reported (0 when none).
    ///   - eventCounts: undismissed recorded events by violation kind (raw value); unknown kinds count as forbidden objects.
    ///   - weights: the points per kind, scaled by `scale` (an accommodation may lower a kind's scale to 0).
    ///   - poorLightingNoFace: how many of the `no_face` events were seen in poor lighting; when every
    ///     one was, the kind weighs `noFacePoorLightingScale` of its points.
    public static func compute(
        maxLiveRisk: Double, eventCounts: [String: Int], reviewed: Bool, weights: RiskWeights = RiskWeights(),
        scale: [String: Double] = [:], poorLightingNoFace: Int = 0
    ) -> ReviewPriority {
        var events = 0.0
        for (type, count) in eventCounts where count > 0 {
            let kind = ViolationKind(rawValue: type) ?? .forbiddenObject
            let factor = max(0, scale[type] ?? 1)
            let points = weights.points(for: kind, poorLighting: kind == .noFace && poorLightingNoFace >= count)
            // A kind that weighs nothing (poor lighting, by default) does not count its repeats either.
            guard points > 0 else { continue }
            let repeats = Double(min(count - 1, weights.maximumRepeats))
            events += factor * (points + repeats * weights.repeatedOccurrence)
        }
        return ReviewPriority(score: min(100, max(maxLiveRisk, events)), reviewed: reviewed)
    }

    /// Review order: unreviewed sessions first, then the highest score.
    public static func < (lhs: ReviewPriority, rhs: ReviewPriority) -> Bool {
        if lhs.reviewed != rhs.reviewed { return !lhs.reviewed }
        return lhs.score > rhs.score
    }
}
