import Foundation
import PostgresNIO
import ProctorCore
import ProctorStore

extension PostgresSessionStore: FindingStore {
    public func findings(sessionId: String) async throws -> [FindingRecord] {
        // NULLS FIRST: the same order as SQLite's.
        try await rows(
            #"""
            SELECT * FROM findings WHERE session_id = \#(sessionId)
            ORDER BY source COLLATE "C", chunk_index NULLS FIRST, chunk_start NULLS FIRST, session_start NULLS FIRST, id COLLATE "C"
            """#
        ).map(FindingRecord.init)
    }

    public func finding(sessionId: String, id: String) async throws -> FindingRecord? {
        try await rows("SELECT * FROM findings WHERE session_id = \(sessionId) AND id = \(id)").first.map(FindingRecord.init)
    }

    public func updateFinding(_ finding: FindingRecord) async throws {
        let updated = try await rows(
            """
            UPDATE findings SET session_start = \(finding.sessionStart), session_end = \(finding.sessionEnd), chunk_start = \(finding.chunkStart),
                chunk_end = \(finding.chunkEnd), video_start = \(finding.videoStart), video_end = \(finding.videoEnd),
                confidence = \(finding.confidence), frames = \(finding.frames), details = \(JSONColumn.text(finding.details)),
                evidence_key = \(finding.evidenceKey), decision = \(finding.decision?.rawValue), note = \(finding.note),
                reviewer = \(finding.reviewer), reviewed_at = \(finding.reviewedAt), started_at = \(finding.startedAt),
                ended_at = \(finding.endedAt)
            WHERE id = \(finding.id) AND session_id = \(finding.sessionId)
            RETURNING id
            """)
        guard !updated.isEmpty else { throw PostgresStoreError.recordNotFound(table: "findings", key: finding.id) }
    }

    public func addFinding(_ finding: FindingRecord) async throws -> Bool {
        try await transaction { connection in
            try await Self.insert(finding, on: connection, logger: logger)
        }
    }

    public func deleteFinding(sessionId: String, id: String) async throws {
        _ = try await rows("DELETE FROM findings WHERE session_id = \(sessionId) AND id = \(id) RETURNING id")
    }

    public func replaceFindings(sessionId: String, chunkIndex: Int, with findings: [FindingRecord]) async throws {
        try await transaction { connection in
            try await connection.query(
                """
                DELETE FROM findings WHERE session_id = \(sessionId) AND source IN (\(FindingSource.recorded.rawValue), \(FindingSource.audio.rawValue)) AND chunk_index = \(chunkIndex)
                """, logger: logger)
            for finding in findings { try await Self.save(finding, on: connection, logger: logger) }
        }
    }

    public func openFindingCounts(sessionIds: [String], sources: [FindingSource]) async throws -> [String: [String: Int]] {
        guard !sessionIds.isEmpty, !sources.isEmpty else { return [:] }
        let rows = try await rows(
            """
            SELECT session_id, type, count(*) AS n FROM findings
            WHERE session_id = ANY(\(sessionIds)) AND source = ANY(\(sources.map(\.rawValue))) AND (decision IS NULL OR decision <> 'dismissed')
            GROUP BY session_id, type
            """)
        var counts: [String: [String: Int]] = [:]
        for row in rows {
            let (sessionId, type, count) = try row.decode((String, String, Int).self)
            counts[sessionId, default: [:]][type] = count
        }
        return counts
    }

    public func openPoorLightingNoFaceCounts(sessionIds: [String], sources: [FindingSource]) async throws -> [String: Int] {
        guard !sessionIds.isEmpty, !sources.isEmpty else { return [:] }
        let rows = try await rows(
            """
            SELECT session_id, count(*) AS n FROM findings
            WHERE session_id = ANY(\(sessionIds)) AND source = ANY(\(sources.map(\.rawValue))) AND (decision IS NULL OR decision <> 'dismissed')
              AND type = 'no_face' AND details LIKE \(poorLightingDetailsPattern)
            GROUP BY session_id
            """)
        var counts: [String: Int] = [:]
        for row in rows {
            let (sessionId, count) = try row.decode((String, Int).self)
            counts[sessionId] = count
        }
        return counts
    }

    /// Inserts a finding unless its id exists; true when inserted.
    static func insert(_ record: FindingRecord, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.query(insertQuery(record, onConflict: "DO NOTHING RETURNING id"), logger: logger).collect().count == 1
    }

    /// Inserts or replaces a finding (GRDB's `save`).
    static func save(_ record: FindingRecord, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            insertQuery(
                record,
                onConflict: """
                    DO UPDATE SET session_id = excluded.session_id, source = excluded.source, type = excluded.type,
                        severity = excluded.severity, session_start = excluded.session_start, session_end = excluded.session_end,
                        chunk_index = excluded.chunk_index, chunk_start = excluded.chunk_start, chunk_end = excluded.chunk_end,
                        video_start = excluded.video_start, video_end = excluded.video_end, started_at = excluded.started_at,
                        ended_at = excluded.ended_at, confidence = excluded.confidence,
                        frames = excluded.frames, details = excluded.details, evidence_key = excluded.evidence_key,
                        decision = excluded.decision, note = excluded.note, reviewer = excluded.reviewer, reviewed_at = excluded.reviewed_at,
                        created_at = excluded.created_at
                    """), logger: logger)
    }

    /// `INSERT … ON CONFLICT (id) <onConflict>`; `onConflict` is one of the fixed clauses above, never input.
    static func insertQuery(_ record: FindingRecord, onConflict: String) -> PostgresQuery {
        let details = JSONColumn.text(record.details)
        return """
            INSERT INTO findings (id, session_id, source, type, severity, session_start, session_end, chunk_index, chunk_start, chunk_end,
                                  video_start, video_end, started_at, ended_at, confidence, frames, details, evidence_key, decision, note,
                                  reviewer, reviewed_at, created_at)
            VALUES (\(record.id), \(record.sessionId), \(record.source.rawValue), \(record.type.rawValue), \(record.severity),
                    \(record.sessionStart), \(record.sessionEnd), \(record.chunkIndex), \(record.chunkStart), \(record.chunkEnd),
                    \(record.videoStart), \(record.videoEnd), \(record.startedAt), \(record.endedAt), \(record.confidence), \(record.frames),
                    \(details), \(record.evidenceKey), \(record.decision?.rawValue), \(record.note), \(record.reviewer), \(record.reviewedAt),
                    \(record.createdAt))
            ON CONFLICT (id) \(unescaped: onConflict)
            """
    }
}
