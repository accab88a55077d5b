/// Where a finding came from. One finding model serves every source, so review, exports, priority
/// and retention treat them alike; a new sense (browser signals, audio) adds a case, not a table.
public enum FindingSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// Seen by the live WebSocket analysis; times are on the live stream's clock.
    case live
    /// Found by a worker in an uploaded chunk; times are chunk offsets and, once finalized, video times.
    case recorded
    /// Reported by the exam page itself (the SDK's client events); times are the page's wall clock.
    case browser
}
