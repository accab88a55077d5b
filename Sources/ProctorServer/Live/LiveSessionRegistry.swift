import Foundation
import ProctorCore

/// The sessions connected right now, for `GET /ws/sessions` and the active-sessions gauge.
public actor LiveSessionRegistry {
    public struct Entry: Sendable, Codable {
        public var sessionId: String
        public var serverSessionId: String
        public var connectedAt: Date
        public var framesReceived = 0
        public var framesProcessed = 0
        public var framesSkipped = 0
        public var framesDropped = 0
        public var lastRiskScore = 0.0
        public var lastAlertLevel = AlertLevel.none
        public var lastViolation: String?
    }

    /// Closes a connection's WebSocket.
    typealias Closer = @Sendable () async -> Void

    private var entries: [String: Entry] = [:]
    private var connections: [String: (id: UUID, close: Closer)] = [:]

    public init() {}

    /// Registers a connection. A browser that reconnects (after a network drop the server has not
    /// noticed yet) replaces its old connection: the old one's closer is returned, to be called.
    func add(sessionId: String, serverSessionId: String, connection: UUID, close: @escaping Closer) -> Closer? {
        let previous = connections[sessionId]?.close
        entries[sessionId] = Entry(sessionId: sessionId, serverSessionId: serverSessionId, connectedAt: Date())
        connections[sessionId] = (connection, close)
        return previous
    }

    /// Removes a connection; false when a newer connection of the session has replaced it.
    func remove(sessionId: String, connection: UUID) -> Bool {
        guard connections[sessionId]?.id == connection else { return false }
        entries[sessionId] = nil
        connections[sessionId] = nil
        return true
    }

    /// Updates the entry of `connection`, if it is still the session's current one.
    func update(sessionId: String, connection: UUID, _ change: (inout Entry) -> Void) {
        guard connections[sessionId]?.id == connection, var entry = entries[sessionId] else { return }
        change(&entry)
        entries[sessionId] = entry
    }

    public var all: [Entry] { entries.values.sorted { $0.connectedAt < $1.connectedAt } }
    public var count: Int { entries.count }
}
