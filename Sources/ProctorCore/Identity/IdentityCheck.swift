/// Identity against the reference photo, for recorded chunks and the live stream alike: checked
/// every `interval` seconds (an embedding costs a face detection and a recognition pass, too much
/// for every frame), reported as an `identity_mismatch` finding on every frame while the last check
/// said "different" or "uncertain".
public struct IdentityCheck: Sendable, Hashable {
    public let interval: Double
    public let configuration: IdentityConfiguration
    public private(set) var lastCheck: Double?
    public private(set) var lastSimilarity: Double?
    /// The lowest similarity seen so far: what the finding's details report.
    public private(set) var lowestSimilarity: Double?

    public init(interval: Double, configuration: IdentityConfiguration) {
        self.interval = interval
        self.configuration = configuration
    }

    public func isDue(at timestamp: Double) -> Bool {
        guard let lastCheck else { return true }
        // A new stream (time went backwards) checks at once.
        return timestamp < lastCheck || timestamp - lastCheck >= interval - 0.001
    }

    public mutating func record(_ similarity: Double, at timestamp: Double) {
        lastCheck = timestamp
        lastSimilarity = similarity
        lowestSimilarity = min(lowestSimilarity ?? similarity, similarity)
    }

    /// The frame's identity finding, nil while the last check matched (or there was none).
    public func finding(at timestamp: Double) -> Finding? {
        guard let lastSimilarity, IdentityVerdict(similarity: lastSimilarity, configuration: configuration) != .match else { return nil }
        return Finding(kind: .identityMismatch, confidence: FindingConfidence.identity(similarity: lastSimilarity, configuration: configuration))
    }

    /// The verdict of the lowest similarity, for the finding's details.
    public var lowestVerdict: IdentityVerdict? {
        lowestSimilarity.map { IdentityVerdict(similarity: $0, configuration: configuration) }
    }
}
