import Foundation
import GRDB
import ProctorStore

extension SQLiteSessionStore: KeyStore {
    public func dataKey(sessionId: String) async throws -> WrappedDataKey? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM session_keys WHERE session_id = ?", arguments: [sessionId]).map(Self.dataKey)
        }
    }

    public func dataKey(sessionId: String, orInsert candidate: WrappedDataKey) async throws -> WrappedDataKey {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO session_keys (session_id, master_key_id, wrapped_key, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(session_id) DO NOTHING
                    """, arguments: [sessionId, candidate.masterKeyId, candidate.wrappedKey, candidate.createdAt])
            return try Row.fetchOne(db, sql: "SELECT * FROM session_keys WHERE session_id = ?", arguments: [sessionId]).map(Self.dataKey) ?? candidate
        }
    }

    public func dataKeys() async throws -> [WrappedDataKey] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM session_keys ORDER BY session_id").map(Self.dataKey)
        }
    }

    @discardableResult
    public func replaceDataKey(_ key: WrappedDataKey) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE session_keys SET master_key_id = ?, wrapped_key = ? WHERE session_id = ?",
                arguments: [key.masterKeyId, key.wrappedKey, key.sessionId])
            return db.changesCount == 1
        }
    }

    @discardableResult
    public func deleteDataKey(sessionId: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM session_keys WHERE session_id = ?", arguments: [sessionId])
            return db.changesCount == 1
        }
    }

    public func storeLiveTicket(_ ticket: LiveTicketRecord, now: Date) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM live_tickets WHERE expires_at < ?", arguments: [now])
            try db.execute(
                sql: """
                    INSERT INTO live_tickets (ticket_hash, session_id, caller_id, caller_role, caller_name, token_hash, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    ticket.ticketHash, ticket.sessionId, ticket.callerId, ticket.callerRole, ticket.callerName, ticket.tokenHash, ticket.expiresAt,
                ])
        }
    }

    public func redeemLiveTicket(hash: String) async throws -> LiveTicketRecord? {
        try await database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM live_tickets WHERE ticket_hash = ?", arguments: [hash]) else { return nil }
            try db.execute(sql: "DELETE FROM live_tickets WHERE ticket_hash = ?", arguments: [hash])
            return LiveTicketRecord(
                ticketHash: row["ticket_hash"], sessionId: row["session_id"], callerId: row["caller_id"], callerRole: row["caller_role"],
                callerName: row["caller_name"], tokenHash: row["token_hash"], expiresAt: row["expires_at"])
        }
    }

    public func setting(_ name: String) async throws -> String? {
        try await database.read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name]) }
    }

    public func saveSetting(_ name: String, value: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value", arguments: [name, value])
        }
    }

    static func dataKey(_ row: Row) -> WrappedDataKey {
        WrappedDataKey(sessionId: row["session_id"], masterKeyId: row["master_key_id"], wrappedKey: row["wrapped_key"], createdAt: row["created_at"])
    }
}
