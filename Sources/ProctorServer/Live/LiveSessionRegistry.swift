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

    private var entries: [String: Entry] = [:]

    public init() {}

    /// Registers a connection; false when the session id is already connected.
    func add(sessionId: String, serverSessionId: String) -> Bool {
        guard entries[sessionId] == nil else { return false }
        entries[sessionId] = Entry(sessionId: sessionId, serverSessionId: serverSessionId, connectedAt: Date())
        return true
    }

    func remove(sessionId: String) {
        entries[sessionId] = nil
    }

    func update(sessionId: String, _ change: (inout Entry) -> Void) {
        guard var entry = entries[sessionId] else { return }
        change(&entry)
        entries[sessionId] = entry
    }

    public var all: [Entry] { entries.values.sorted { $0.connectedAt < $1.connectedAt } }
    public var count: Int { entries.count }
}
