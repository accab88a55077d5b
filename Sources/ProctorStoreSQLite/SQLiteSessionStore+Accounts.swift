import Foundation
import GRDB
import ProctorCore
import ProctorStore

extension SQLiteSessionStore: AccountStore {
    public func createUser(_ user: UserRecord) async throws {
        try await database.write { db in try user.insert(db) }
    }

    public func user(username: String) async throws -> UserRecord? {
        try await database.read { db in try UserRecord.filter(Column("username") == username).fetchOne(db) }
    }

    public func user(id: String) async throws -> UserRecord? {
        try await database.read { db in try UserRecord.fetchOne(db, key: id) }
    }

    public func users() async throws -> [UserRecord] {
        try await database.read { db in try UserRecord.order(Column("username")).fetchAll(db) }
    }

    public func updateUser(_ user: UserRecord) async throws {
        try await database.write { db in try user.update(db) }
    }

    public func userCount() async throws -> Int {
        try await database.read { db in try UserRecord.fetchCount(db) }
    }

    public func setting(_ name: String, orInsert candidate: String) async throws -> String {
        try await database.write { db in
            try db.execute(sql: "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO NOTHING", arguments: [name, candidate])
            return try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name]) ?? candidate
        }
    }

    public func appendAudit(_ entries: [AuditRecord]) async throws {
        guard !entries.isEmpty else { return }
        try await database.write { db in
            for var entry in entries { try entry.insert(db) }
        }
    }

    public func audit(limit: Int, before: Int64?, action: String?, target: String?) async throws -> [AuditRecord] {
        try await database.read { db in
            var request = AuditRecord.order(Column("id").desc).limit(limit)
            if let before { request = request.filter(Column("id") < before) }
            if let action { request = request.filter(Column("action") == action) }
            if let target { request = request.filter(Column("target") == target) }
            return try request.fetchAll(db)
        }
    }

    public func saveAccommodation(_ accommodation: Accommodation) async throws {
        let scales = String(decoding: try JSONEncoder().encode(accommodation.scales), as: UTF8.self)
        try await database.write { db in
            let exam = accommodation.examId ?? ""
            if accommodation.scales.isEmpty {
                try db.execute(sql: "DELETE FROM accommodations WHERE candidate_id = ? AND exam_id = ?", arguments: [accommodation.candidateId, exam])
                return
            }
            try db.execute(
                sql: """
                    INSERT INTO accommodations (candidate_id, exam_id, scales, note) VALUES (?, ?, ?, ?)
                    ON CONFLICT(candidate_id, exam_id) DO UPDATE SET scales = excluded.scales, note = excluded.note
                    """, arguments: [accommodation.candidateId, exam, scales, accommodation.note])
        }
    }

    public func accommodations() async throws -> [Accommodation] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM accommodations ORDER BY candidate_id, exam_id").map(Self.accommodation)
        }
    }

    public func accommodation(candidateId: String, examId: String) async throws -> Accommodation? {
        try await database.read { db in
            // The exam-specific profile sorts first (non-empty exam id).
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM accommodations WHERE candidate_id = ? AND (exam_id = ? OR exam_id = '') ORDER BY exam_id DESC LIMIT 1
                    """, arguments: [candidateId, examId]
            ).map(Self.accommodation)
        }
    }

    static func accommodation(_ row: Row) -> Accommodation {
        let exam: String = row["exam_id"]
        let scales = (try? JSONDecoder().decode([String: Double].self, from: Data((row["scales"] as String).utf8))) ?? [:]
        return Accommodation(candidateId: row["candidate_id"], examId: exam.isEmpty ? nil : exam, scales: scales, note: row["note"])
    }
}

extension SQLiteSessionStore: PrivacyStore {
    public func purgeTarget(sessionId: String) async throws -> PurgeTarget? {
        try await database.read { db in
            guard try SessionRecord.fetchOne(db, key: sessionId) != nil else { return nil }
            return try Self.target(sessionId, kinds: RetentionPolicy.DataKind.allCases, in: db)
        }
    }

    public func deleteSession(sessionId: String) async throws -> Bool {
        try await database.write { db in
            for table in SessionDataLayout.sessionTables {
                try db.execute(sql: "DELETE FROM \(table) WHERE session_id = ?", arguments: [sessionId])
            }
            try db.execute(sql: "DELETE FROM locks WHERE name = ?", arguments: ["session:\(sessionId)"])
            try db.execute(sql: "DELETE FROM sessions WHERE id = ?", arguments: [sessionId])
            return db.changesCount == 1
        }
    }

    public func purgeCandidates(_ kind: RetentionPolicy.DataKind, endedBefore: Date, limit: Int) async throws -> [PurgeTarget] {
        try await database.read { db in
            let ids = try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM sessions WHERE ended_at IS NOT NULL AND ended_at < ? AND \(SessionDataLayout.purgedColumn(kind)) IS NULL
                    ORDER BY ended_at LIMIT ?
                    """, arguments: [endedBefore, limit])
            return try ids.map { try Self.target($0, kinds: [kind], in: db) }
        }
    }

    public func markPurged(_ kind: RetentionPolicy.DataKind, sessionId: String, at date: Date) async throws {
        try await database.write { db in
            for (table, column) in SessionDataLayout.clearedColumns(kind) {
                try db.execute(sql: "UPDATE \(table) SET \(column) = NULL WHERE session_id = ?", arguments: [sessionId])
            }
            try db.execute(sql: "UPDATE sessions SET \(SessionDataLayout.purgedColumn(kind)) = ? WHERE id = ?", arguments: [date, sessionId])
        }
    }

    /// The files of `kinds` that the session's rows point to.
    static func target(_ sessionId: String, kinds: [RetentionPolicy.DataKind], in db: Database) throws -> PurgeTarget {
        var keys: [String] = []
        for kind in kinds {
            for place in SessionDataLayout.blobColumns(kind) {
                keys += try String.fetchAll(
                    db, sql: "SELECT \(place.column) FROM \(place.table) WHERE session_id = ? AND \(place.column) IS NOT NULL",
                    arguments: [sessionId])
            }
        }
        return PurgeTarget(sessionId: sessionId, blobKeys: keys)
    }
}
