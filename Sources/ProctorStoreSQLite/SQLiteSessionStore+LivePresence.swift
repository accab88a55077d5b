import Foundation
import GRDB
import ProctorCore
import ProctorStore

extension SQLiteSessionStore: LivePresenceStore {
    public func publishPresence(_ records: [LivePresenceRecord]) async throws {
        guard !records.isEmpty else { return }
        try await database.write { db in
            for record in records { try record.save(db) }
        }
    }

    public func removePresence(sessionId: String, connection: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM live_presence WHERE session_id = ? AND connection = ?", arguments: [sessionId, connection])
        }
    }

    public func presence(updatedSince since: Date) async throws -> [LivePresenceRecord] {
        try await database.read { db in
            try LivePresenceRecord.filter(Column("updated_at") >= since).order(Column("connected_at"), Column("session_id")).fetchAll(db)
        }
    }
}
