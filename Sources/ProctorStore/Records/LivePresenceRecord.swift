import Foundation

/// A live connection as every server sees it: the connected server publishes its sessions' state
/// every second, so a dashboard on any server shows every candidate, wherever they are connected.
public struct LivePresenceRecord: Sendable, Hashable, Codable {
    /// The client's session id (the WebSocket path).
    public var sessionId: String
    public var serverSessionId: String
    /// Identifies the connection, so a late update from a replaced connection cannot revive it.
    public var connection: String
    /// Which server holds the connection.
    public var server: String
    public var connectedAt: Date
    public var updatedAt: Date
    public var framesReceived: Int
    public var framesProcessed: Int
    public var framesDropped: Int
    public var riskScore: Double
    public var alertLevel: String
    public var lastViolation: String?
    public var lastViolationAt: Date?
    /// Changes whenever a newer snapshot is stored (blob `live/<session id>.jpg`); 0 before the first.
    public var snapshotVersion: Int

    public init(
        sessionId: String, serverSessionId: String, connection: String, server: String, connectedAt: Date, updatedAt: Date,
        framesReceived: Int, framesProcessed: Int, framesDropped: Int, riskScore: Double, alertLevel: String,
        lastViolation: String?, lastViolationAt: Date?, snapshotVersion: Int
    ) {
        self.sessionId = sessionId
        self.serverSessionId = serverSessionId
        self.connection = connection
        self.server = server
        self.connectedAt = connectedAt
        self.updatedAt = updatedAt
        self.framesReceived = framesReceived
        self.framesProcessed = framesProcessed
        self.framesDropped = framesDropped
        self.riskScore = riskScore
        self.alertLevel = alertLevel
        self.lastViolation = lastViolation
        self.lastViolationAt = lastViolationAt
        self.snapshotVersion = snapshotVersion
    }
}
