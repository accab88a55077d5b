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
        public var lastViolationAt: Date?
        /// Changes whenever a newer snapshot of the candidate is kept.
        public var snapshotVersion = 0
        /// The connection this entry belongs to (reconnections replace it).
        public var connection = UUID()
    }

    /// The latest frame kept for the proctors' live grid.
    public struct Snapshot: Sendable {
        public var bytes: [UInt8]
        public var at: Date
    }

    /// Closes a connection's WebSocket.
    typealias Closer = @Sendable () async -> Void

    private var entries: [String: Entry] = [:]
    private var connections: [String: (id: UUID, close: Closer)] = [:]
    private var snapshots: [String: Snapshot] = [:]

    public init() {}

    /// Registers a connection. A browser that reconnects (after a network drop the server has not
    /// noticed yet) replaces its old connection: the old one's closer is returned, to be called.
    func add(sessionId: String, serverSessionId: String, connection: UUID, close: @escaping Closer) -> Closer? {
        let previous = connections[sessionId]?.close
        entries[sessionId] = Entry(sessionId: sessionId, serverSessionId: serverSessionId, connectedAt: Date(), connection: connection)
        connections[sessionId] = (connection, close)
        return previous
    }

    /// Removes a connection; false when a newer connection of the session has replaced it.
    func remove(sessionId: String, connection: UUID) -> Bool {
        guard connections[sessionId]?.id == connection else { return false }
        entries[sessionId] = nil
        connections[sessionId] = nil
        snapshots[sessionId] = nil
        return true
    }

    /// Updates the entry of `connection`, if it is still the session's current one.
    func update(sessionId: String, connection: UUID, _ change: (inout Entry) -> Void) {
        guard connections[sessionId]?.id == connection, var entry = entries[sessionId] else { return }
        change(&entry)
        entries[sessionId] = entry
    }

    /// Keeps `bytes` as the session's snapshot if the last one is at least `interval` seconds old, so
    /// the live grid sees a recent picture without the registry copying every frame.
    func offerSnapshot(sessionId: String, connection: UUID, bytes: [UInt8], at date: Date, interval: TimeInterval) {
        guard connections[sessionId]?.id == connection else { return }
        if let last = snapshots[sessionId], date.timeIntervalSince(last.at) < interval { return }
        snapshots[sessionId] = Snapshot(bytes: bytes, at: date)
        entries[sessionId]?.snapshotVersion += 1
    }

    public func snapshot(sessionId: String) -> Snapshot? { snapshots[sessionId] }

    public var all: [Entry] { entries.values.sorted { $0.connectedAt < $1.connectedAt } }
    public var count: Int { entries.count }
}
