/// A reviewer's decision on a finding. The system never decides: it ranks and shows evidence; a
/// person confirms or dismisses.
public enum FindingDecision: String, Sendable, Hashable, Codable, CaseIterable {
    case confirmed
    case dismissed
}
