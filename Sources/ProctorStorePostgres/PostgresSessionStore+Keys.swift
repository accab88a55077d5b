import Foundation
import PostgresNIO
import ProctorStore

extension PostgresSessionStore: KeyStore {
    public func dataKey(sessionId: String) async throws -> WrappedDataKey? {
        try await rows("SELECT session_id, master_key_id, wrapped_key, created_at FROM session_keys WHERE session_id = \(sessionId)")
            .first.map(Self.dataKey)
    }

    public func dataKey(sessionId: String, orInsert candidate: WrappedDataKey) async throws -> WrappedDataKey {
        try await transaction { connection in
            // A concurrent insert for the same session waits for the first and does nothing; the read
            // that follows sees the winner's key.
            try await connection.query(
                """
                INSERT INTO session_keys (session_id, master_key_id, wrapped_key, created_at)
                VALUES (\(sessionId), \(candidate.masterKeyId), \(candidate.wrappedKey), \(candidate.createdAt))
                ON CONFLICT (session_id) DO NOTHING
                """, logger: logger)
            return try await connection.rows(
                "SELECT session_id, master_key_id, wrapped_key, created_at FROM session_keys WHERE session_id = \(sessionId)", logger: logger
            ).first.map(Self.dataKey) ?? candidate
        }
    }

    public func dataKeys() async throws -> [WrappedDataKey] {
        try await rows(#"SELECT session_id, master_key_id, wrapped_key, created_at FROM session_keys ORDER BY session_id COLLATE "C""#)
            .map(Self.dataKey)
    }

    @discardableResult
    public func replaceDataKey(_ key: WrappedDataKey) async throws -> Bool {
        try await !rows(
            """
            UPDATE session_keys SET master_key_id = \(key.masterKeyId), wrapped_key = \(key.wrappedKey)
            WHERE session_id = \(key.sessionId) RETURNING session_id
            """
        ).isEmpty
    }

    @discardableResult
    public func deleteDataKey(sessionId: String) async throws -> Bool {
        try await !rows("DELETE FROM session_keys WHERE session_id = \(sessionId) RETURNING session_id").isEmpty
    }

    public func storeLiveTicket(_ ticket: LiveTicketRecord, now: Date) async throws {
        try await transaction { connection in
            try await connection.query("DELETE FROM live_tickets WHERE expires_at < \(now)", logger: logger)
            try await connection.query(
                """
                INSERT INTO live_tickets (ticket_hash, session_id, caller_id, caller_role, caller_name, token_hash, expires_at)
                VALUES (\(ticket.ticketHash), \(ticket.sessionId), \(ticket.callerId), \(ticket.callerRole), \(ticket.callerName),
                    \(ticket.tokenHash), \(ticket.expiresAt))
                """, logger: logger)
        }
    }

    public func redeemLiveTicket(hash: String) async throws -> LiveTicketRecord? {
        // DELETE ... RETURNING is atomic: of two servers redeeming one ticket, one gets the row.
        try await rows(
            """
            DELETE FROM live_tickets WHERE ticket_hash = \(hash)
            RETURNING ticket_hash, session_id, caller_id, caller_role, caller_name, token_hash, expires_at
            """
        ).first.map { row in
            let (ticketHash, sessionId, callerId, callerRole, callerName, tokenHash, expiresAt) = try row.decode(
                (String, String, String, String, String, String, Date).self)
            return LiveTicketRecord(
                ticketHash: ticketHash, sessionId: sessionId, callerId: callerId, callerRole: callerRole, callerName: callerName,
                tokenHash: tokenHash, expiresAt: expiresAt)
        }
    }

    public func setting(_ name: String) async throws -> String? {
        try await rows("SELECT value FROM settings WHERE name = \(name)").first?.decode(String.self)
    }

    public func saveSetting(_ name: String, value: String) async throws {
        try await rows("INSERT INTO settings (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
    }

    static func dataKey(_ row: PostgresRow) throws -> WrappedDataKey {
        let (sessionId, masterKeyId, wrappedKey, createdAt) = try row.decode((String, String, String, Date).self)
        return WrappedDataKey(sessionId: sessionId, masterKeyId: masterKeyId, wrappedKey: wrappedKey, createdAt: createdAt)
    }
}
