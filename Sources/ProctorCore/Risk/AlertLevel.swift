/// How urgently a proctor should look. Ranks sessions for review; never a verdict.
public enum AlertLevel: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case none
    case low
    case medium
    case high
    case critical

    /// none 0, low 1–30, medium 31–70, high 71–100, critical above 100.
    public init(score: Double) {
        switch score {
        case ..<0.5: self = .none
        case ..<30.5: self = .low
        case ..<70.5: self = .medium
        case ...100: self = .high
        default: self = .critical
        }
    }

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: AlertLevel, rhs: AlertLevel) -> Bool { lhs.rank < rhs.rank }
}
