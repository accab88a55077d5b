/// Whether two faces are the same person, from the cosine similarity of their embeddings.
public enum IdentityVerdict: String, Sendable, Hashable, Codable {
    case match
    /// Between the thresholds: a reviewer should look.
    case uncertain
    case different

    public init(similarity: Double, configuration: IdentityConfiguration) {
        if similarity >= configuration.matchThreshold {
            self = .match
        } else if similarity >= configuration.uncertainThreshold {
            self = .uncertain
        } else {
            self = .different
        }
    }
}
