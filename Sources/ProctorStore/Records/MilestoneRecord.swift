import Foundation

/// Something that happened to a session outside the analysis, shown on the review timeline:
/// consent, reference photo, live connections and reconnections, the end, finalization.
public struct MilestoneRecord: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case consent
        case reference
        case liveConnected = "live_connected"
        case liveDisconnected = "live_disconnected"
        case endRequested = "end_requested"
        case finalized
    }

    public var id: Int64?
    public var sessionId: String
    public var kind: Kind
    public var at: Date
    /// JSON object with kind-specific details.
    public var details: String

    public init(sessionId: String, kind: Kind, at: Date, details: String = "{}") {
        self.sessionId = sessionId
        self.kind = kind
        self.at = at
        self.details = details
    }
}
