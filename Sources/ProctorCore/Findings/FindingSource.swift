/// Where a finding came from. One finding model serves every source, so review, exports, priority
/// and retention treat them alike; a new sense (browser signals, audio) adds a case, not a table.
public enum FindingSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// Seen by the live WebSocket analysis; times are on the live stream's clock.
    case live
    /// Found by a worker in an uploaded chunk; times are chunk offsets and, once finalized, video times.
    case recorded
    /// Reported by the exam page itself (the SDK's client events); times are the page's wall clock.
    case browser
    /// Heard in an uploaded chunk's sound (speech); times are chunk offsets and, once finalized, video times.
    case audio

    /// Found by a worker in an uploaded chunk (its pictures or its sound): placed on the video by the finalizer.
    public var isFromChunk: Bool { self == .recorded || self == .audio }
}
