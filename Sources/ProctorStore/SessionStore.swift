import Foundation

/// Where sessions, detections and summaries are kept (findings: `FindingStore`).
///
/// The server talks to this protocol only; SQLite (GRDB) is the embedded default, and other
/// backends implement the same calls.
public protocol SessionStore: Sendable {
    /// Starts (or resumes, after a reconnect) the live session with this client id.
    func openSession(externalId: String, at date: Date, metadata: [String: String]) async throws -> SessionRecord
    /// Applies writes in one transaction, in order.
    func apply(_ writes: [StoreWrite]) async throws
    /// Sessions, newest first, with their summaries.
    func listSessions(limit: Int, offset: Int) async throws -> [SessionOverview]
    /// A session by server id or client id.
    func session(_ id: String) async throws -> SessionOverview?
    func detectionCount(sessionId: String) async throws -> Int
    /// Processing times (ms) of the session's analysed frames, for its per-stage figures.
    func processingTimes(sessionId: String) async throws -> [Double]
    /// Marks the session reviewed (or not, with nil).
    func setReviewed(sessionId: String, at date: Date?) async throws
}

/// One change to the store; the batched writer groups many into a transaction.
public enum StoreWrite: Sendable, Hashable {
    case detection(DetectionRecord)
    /// Inserts or replaces a finding (a live episode is rewritten as it grows).
    case finding(FindingRecord)
    case summary(SessionSummaryRecord)
    case sessionEnded(sessionId: String, at: Date, status: SessionRecord.Status)
}

/// A session with its summary, as listed by the API.
public struct SessionOverview: Sendable, Hashable, Codable {
    public var session: SessionRecord
    public var summary: SessionSummaryRecord?

    public init(session: SessionRecord, summary: SessionSummaryRecord?) {
        self.session = session
        self.summary = summary
    }
}
