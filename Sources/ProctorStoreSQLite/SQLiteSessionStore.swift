import Foundation
import GRDB
import ProctorCore
import ProctorStore

/// The embedded store: one SQLite file in WAL mode (readers never wait for the writer).
public final class SQLiteSessionStore: SessionStore {
    let database: DatabasePool

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        database = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(database)
    }

    public func openSession(externalId: String, at date: Date, metadata: [String: String]) async throws -> SessionRecord {
        try await database.write { db in
            if var existing = try SessionRecord.filter(Column("external_id") == externalId).fetchOne(db) {
                existing.status = .active
                existing.endedAt = nil
                try existing.update(db)
                return existing
            }
            let record = SessionRecord(
                id: UUID().uuidString.lowercased(), externalId: externalId, startedAt: date, endedAt: nil,
                status: .active, metadata: metadata)
            try record.insert(db)
            return record
        }
    }

    public func apply(_ writes: [StoreWrite]) async throws {
        guard !writes.isEmpty else { return }
        try await database.write { db in
            for write in writes {
                switch write {
                case .detection(let record): try record.insert(db)
                case .finding(let record): try record.save(db)
                case .summary(let record): try record.save(db)
                case .sessionEnded(let sessionId, let date, let status):
                    try db.execute(sql: "UPDATE sessions SET ended_at = ?, status = ? WHERE id = ?", arguments: [date, status.rawValue, sessionId])
                }
            }
        }
    }

    public func listSessions(limit: Int, offset: Int) async throws -> [SessionOverview] {
        try await database.read { db in
            let sessions = try SessionRecord.order(Column("started_at").desc).limit(limit, offset: offset).fetchAll(db)
            let summaries = try SessionSummaryRecord.filter(keys: sessions.map(\.id)).fetchAll(db)
            let byId = Dictionary(uniqueKeysWithValues: summaries.map { ($0.sessionId, $0) })
            return sessions.map { SessionOverview(session: $0, summary: byId[$0.id]) }
        }
    }

    public func session(_ id: String) async throws -> SessionOverview? {
        try await database.read { db in
            guard let session = try SessionRecord.filter(Column("id") == id || Column("external_id") == id).fetchOne(db) else { return nil }
            return SessionOverview(session: session, summary: try SessionSummaryRecord.fetchOne(db, key: session.id))
        }
    }

    public func detectionCount(sessionId: String) async throws -> Int {
        try await database.read { db in
            try DetectionRecord.filter(Column("session_id") == sessionId).fetchCount(db)
        }
    }

    public func processingTimes(sessionId: String) async throws -> [Double] {
        try await database.read { db in
            try Double.fetchAll(db, sql: "SELECT processing_ms FROM detections WHERE session_id = ?", arguments: [sessionId])
        }
    }

    public func setReviewed(sessionId: String, at date: Date?) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE sessions SET reviewed_at = ? WHERE id = ?", arguments: [date, sessionId])
        }
    }
}
