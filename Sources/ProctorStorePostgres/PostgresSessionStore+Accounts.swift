import Foundation
import PostgresNIO
import ProctorCore
import ProctorStore

extension PostgresSessionStore: AccountStore {
    public func createUser(_ user: UserRecord) async throws {
        try await rows(
            """
            INSERT INTO users (id, username, role, password_hash, created_at, disabled_at)
            VALUES (\(user.id), \(user.username), \(user.role.rawValue), \(user.passwordHash), \(user.createdAt), \(user.disabledAt))
            """)
    }

    public func user(username: String) async throws -> UserRecord? {
        try await rows("SELECT * FROM users WHERE username = \(username)").first.map(UserRecord.init)
    }

    public func user(id: String) async throws -> UserRecord? {
        try await rows("SELECT * FROM users WHERE id = \(id)").first.map(UserRecord.init)
    }

    public func users() async throws -> [UserRecord] {
        // Byte order, as SQLite sorts, whatever the database's collation.
        try await rows(#"SELECT * FROM users ORDER BY username COLLATE "C""#).map(UserRecord.init)
    }

    public func updateUser(_ user: UserRecord) async throws {
        let updated = try await rows(
            """
            UPDATE users SET username = \(user.username), role = \(user.role.rawValue), password_hash = \(user.passwordHash),
                created_at = \(user.createdAt), disabled_at = \(user.disabledAt)
            WHERE id = \(user.id)
            RETURNING id
            """)
        guard !updated.isEmpty else { throw PostgresStoreError.recordNotFound(table: "users", key: user.id) }
    }

    public func userCount() async throws -> Int {
        try await rows("SELECT count(*) FROM users").first?.decode(Int.self) ?? 0
    }

    public func setting(_ name: String, orInsert candidate: String) async throws -> String {
        try await transaction { connection in
            // A concurrent insert of the same name makes this one wait for it and do nothing; the
            // read that follows then sees the winner's value.
            try await connection.query(
                "INSERT INTO settings (name, value) VALUES (\(name), \(candidate)) ON CONFLICT (name) DO NOTHING",
                logger: logger)
            return try await connection.rows("SELECT value FROM settings WHERE name = \(name)", logger: logger)
                .first?.decode(String.self) ?? candidate
        }
    }

    public func appendAudit(_ entries: [AuditRecord]) async throws {
        guard !entries.isEmpty else { return }
        try await transaction { connection in
            for entry in entries {
                try await connection.query(
                    """
                    INSERT INTO audit_log (at, actor, role, action, target, details, ip)
                    VALUES (\(entry.at), \(entry.actor), \(entry.role), \(entry.action), \(entry.target), \(JSONColumn.text(entry.details)), \(entry.ip))
                    """, logger: logger)
            }
        }
    }

    public func audit(limit: Int, before: Int64?, action: String?, target: String?) async throws -> [AuditRecord] {
        // Absent filters are NULL parameters that switch their condition off; the values are still
        // bound, never spliced into the SQL.
        try await rows(
            """
            SELECT * FROM audit_log
            WHERE (\(before)::bigint IS NULL OR id < \(before))
              AND (\(action)::text IS NULL OR action = \(action))
              AND (\(target)::text IS NULL OR target = \(target))
            ORDER BY id DESC
            LIMIT \(limit)
            """
        ).map(AuditRecord.init)
    }

    public func saveAccommodation(_ accommodation: Accommodation) async throws {
        let exam = accommodation.examId ?? ""
        if accommodation.scales.isEmpty {
            try await rows("DELETE FROM accommodations WHERE candidate_id = \(accommodation.candidateId) AND exam_id = \(exam)")
            return
        }
        let scales = String(decoding: try JSONEncoder().encode(accommodation.scales), as: UTF8.self)
        try await rows(
            """
            INSERT INTO accommodations (candidate_id, exam_id, scales, note)
            VALUES (\(accommodation.candidateId), \(exam), \(scales), \(accommodation.note))
            ON CONFLICT (candidate_id, exam_id) DO UPDATE SET scales = excluded.scales, note = excluded.note
            """)
    }

    public func accommodations() async throws -> [Accommodation] {
        try await rows(#"SELECT * FROM accommodations ORDER BY candidate_id COLLATE "C", exam_id COLLATE "C""#).map(Accommodation.init)
    }

    public func accommodation(candidateId: String, examId: String) async throws -> Accommodation? {
        // The exam-specific profile sorts first (non-empty exam id).
        try await rows(
            """
            SELECT * FROM accommodations WHERE candidate_id = \(candidateId) AND (exam_id = \(examId) OR exam_id = '')
            ORDER BY exam_id COLLATE "C" DESC LIMIT 1
            """
        ).first.map(Accommodation.init)
    }
}
