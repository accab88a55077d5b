import Foundation

/// A proctored session.
public struct SessionRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case active
        case completed
        case disconnected
    }

    /// Server-side id.
    public var id: String
    /// The client's session id (from the WebSocket path).
    public var externalId: String
    public var startedAt: Date
    public var endedAt: Date?
    public var status: Status
    /// Client details: how the session started (`kind`, `exam_id`, `candidate_id`).
    public var metadata: [String: String]
    /// When a reviewer marked the whole session as reviewed.
    public var reviewedAt: Date?

    public init(id: String, externalId: String, startedAt: Date, endedAt: Date?, status: Status, metadata: [String: String] = [:]) {
        self.id = id
        self.externalId = externalId
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.status = status
        self.metadata = metadata
    }
}
