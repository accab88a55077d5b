import Foundation
import PostgresNIO
import ProctorCore
import ProctorStore

extension PostgresSessionStore: PrivacyStore {
    public func purgeTarget(sessionId: String) async throws -> PurgeTarget? {
        try await snapshot { connection in
            guard try await !connection.rows("SELECT 1 FROM sessions WHERE id = \(sessionId)", logger: logger).isEmpty else { return nil }
            return try await Self.target(sessionId, kinds: RetentionPolicy.DataKind.allCases, on: connection, logger: logger)
        }
    }

    public func deleteSession(sessionId: String) async throws -> Bool {
        let lockName = "session:\(sessionId)"
        return try await transaction { connection in
            for table in SessionDataLayout.sessionTables {
                try await connection.query("DELETE FROM \(unescaped: table) WHERE session_id = \(sessionId)", logger: logger)
            }
            try await connection.query("DELETE FROM locks WHERE name = \(lockName)", logger: logger)
            return try await connection.rows("DELETE FROM sessions WHERE id = \(sessionId) RETURNING id", logger: logger).count == 1
        }
    }

    public func purgeCandidates(_ kind: RetentionPolicy.DataKind, endedBefore: Date, limit: Int) async throws -> [PurgeTarget] {
        try await snapshot { connection in
            let ids = try await connection.rows(
                """
                SELECT id FROM sessions
                WHERE ended_at IS NOT NULL AND ended_at < \(endedBefore) AND \(unescaped: SessionDataLayout.purgedColumn(kind)) IS NULL
                ORDER BY ended_at LIMIT \(limit)
                """, logger: logger
            ).map { try $0.decode(String.self) }
            var targets: [PurgeTarget] = []
            for id in ids { targets.append(try await Self.target(id, kinds: [kind], on: connection, logger: logger)) }
            return targets
        }
    }

    public func markPurged(_ kind: RetentionPolicy.DataKind, sessionId: String, at date: Date) async throws {
        try await transaction { connection in
            for (table, column) in SessionDataLayout.clearedColumns(kind) {
                try await connection.query("UPDATE \(unescaped: table) SET \(unescaped: column) = NULL WHERE session_id = \(sessionId)", logger: logger)
            }
            try await connection.query(
                "UPDATE sessions SET \(unescaped: SessionDataLayout.purgedColumn(kind)) = \(date) WHERE id = \(sessionId)",
                logger: logger)
        }
    }

    /// The files of `kinds` that the session's rows point to.
    static func target(
        _ sessionId: String, kinds: [RetentionPolicy.DataKind], on connection: PostgresConnection,
        logger: Logger
    ) async throws -> PurgeTarget {
        var keys: [String] = []
        for kind in kinds {
            for place in SessionDataLayout.blobColumns(kind) {
                keys += try await connection.rows(
                    """
                    SELECT \(unescaped: place.column) FROM \(unescaped: place.table)
                    WHERE session_id = \(sessionId) AND \(unescaped: place.column) IS NOT NULL
                    """, logger: logger
                ).map { try $0.decode(String.self) }
            }
        }
        return PurgeTarget(sessionId: sessionId, blobKeys: keys)
    }
}
