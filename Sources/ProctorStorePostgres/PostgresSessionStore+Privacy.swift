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
            try await connection.query("DELETE FROM jobs WHERE session_id = \(sessionId)", logger: logger)
            try await connection.query("DELETE FROM milestones WHERE session_id = \(sessionId)", logger: logger)
            try await connection.query("DELETE FROM events WHERE session_id = \(sessionId)", logger: logger)
            try await connection.query("DELETE FROM chunks WHERE session_id = \(sessionId)", logger: logger)
            try await connection.query("DELETE FROM recordings WHERE session_id = \(sessionId)", logger: logger)
            try await connection.query("DELETE FROM detections WHERE session_id = \(sessionId)", logger: logger)
            try await connection.query("DELETE FROM violations WHERE session_id = \(sessionId)", logger: logger)
            try await connection.query("DELETE FROM session_summaries WHERE session_id = \(sessionId)", logger: logger)
            try await connection.query("DELETE FROM locks WHERE name = \(lockName)", logger: logger)
            return try await connection.rows("DELETE FROM sessions WHERE id = \(sessionId) RETURNING id", logger: logger).count == 1
        }
    }

    public func purgeCandidates(_ kind: RetentionPolicy.DataKind, endedBefore: Date, limit: Int) async throws -> [PurgeTarget] {
        try await snapshot { connection in
            let ids = try await connection.rows("""
                SELECT id FROM sessions
                WHERE ended_at IS NOT NULL AND ended_at < \(endedBefore) AND \(unescaped: Self.purgedColumn(kind)) IS NULL
                ORDER BY ended_at LIMIT \(limit)
                """, logger: logger).map { try $0.decode(String.self) }
            var targets: [PurgeTarget] = []
            for id in ids { targets.append(try await Self.target(id, kinds: [kind], on: connection, logger: logger)) }
            return targets
        }
    }

    public func markPurged(_ kind: RetentionPolicy.DataKind, sessionId: String, at date: Date) async throws {
        try await transaction { connection in
            switch kind {
            case .video:
                try await connection.query("UPDATE recordings SET master_key = NULL WHERE session_id = \(sessionId)", logger: logger)
                try await connection.query("UPDATE chunks SET batch_key = NULL WHERE session_id = \(sessionId)", logger: logger)
            case .evidence:
                try await connection.query("UPDATE events SET evidence_key = NULL WHERE session_id = \(sessionId)", logger: logger)
                try await connection.query("UPDATE violations SET evidence_path = NULL WHERE session_id = \(sessionId)", logger: logger)
            case .faceData:
                try await connection.query("UPDATE recordings SET reference_key = NULL, reference_embedding = NULL WHERE session_id = \(sessionId)",
                                           logger: logger)
            }
            try await connection.query("UPDATE sessions SET \(unescaped: Self.purgedColumn(kind)) = \(date) WHERE id = \(sessionId)", logger: logger)
        }
    }

    /// The column that marks `kind` purged. A fixed name per kind: only column names are spliced
    /// into SQL, never values.
    static func purgedColumn(_ kind: RetentionPolicy.DataKind) -> String {
        switch kind {
        case .video: "video_purged_at"
        case .evidence: "evidence_purged_at"
        case .faceData: "face_data_purged_at"
        }
    }

    /// The files of `kinds` that the session's rows point to.
    static func target(_ sessionId: String, kinds: [RetentionPolicy.DataKind], on connection: PostgresConnection,
                       logger: Logger) async throws -> PurgeTarget {
        func strings(_ query: PostgresQuery) async throws -> [String] {
            try await connection.rows(query, logger: logger).map { try $0.decode(String.self) }
        }
        var keys: [String] = []
        var paths: [String] = []
        let recording = try await connection.rows("SELECT * FROM recordings WHERE session_id = \(sessionId)", logger: logger)
            .first.map(RecordingRecord.init)
        for kind in kinds {
            switch kind {
            case .video:
                keys += [recording?.masterKey].compactMap { $0 }
                keys += try await strings("SELECT blob_key FROM chunks WHERE session_id = \(sessionId)")
                keys += try await strings("SELECT DISTINCT batch_key FROM chunks WHERE session_id = \(sessionId) AND batch_key IS NOT NULL")
            case .evidence:
                keys += try await strings("SELECT evidence_key FROM events WHERE session_id = \(sessionId) AND evidence_key IS NOT NULL")
                paths += try await strings("SELECT evidence_path FROM violations WHERE session_id = \(sessionId) AND evidence_path IS NOT NULL")
            case .faceData:
                keys += [recording?.referenceKey].compactMap { $0 }
            }
        }
        return PurgeTarget(sessionId: sessionId, blobKeys: Array(Set(keys)).sorted(), evidencePaths: Array(Set(paths)).sorted())
    }
}
