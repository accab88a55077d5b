import ProctorCore

extension FindingDetails {
    /// The details an identity check gives a finding of `kind`: for `identity_mismatch`, the lowest
    /// similarity and its verdict; nothing for other kinds.
    public init(_ identity: IdentityCheck, kind: ViolationKind) {
        self.init()
        guard kind == .identityMismatch, let lowest = identity.lowestSimilarity else { return }
        lowestSimilarity = (lowest * 10_000).rounded() / 10_000
        verdict = identity.lowestVerdict
        matchThreshold = identity.configuration.matchThreshold
    }

    /// Records what an episode's confidence is made of (kept across updates and joins).
    mutating func note(_ episode: ViolationEpisode) {
        strength = (episode.strength * 1000).rounded() / 1000
        frameShare = (episode.frameShare * 1000).rounded() / 1000
        lookedAtFrames = episode.lookedAt
    }
}
