import Foundation
import PostgresNIO
import ProctorStore

extension PostgresSessionStore: SessionStore {
    public func openSession(externalId: String, at date: Date, metadata: [String: String]) async throws -> SessionRecord {
        // One upsert: two servers seeing the same client reconnect at once still end with one session.
        let rows = try await rows(
            """
            INSERT INTO sessions (id, external_id, started_at, ended_at, status, metadata)
            VALUES (\(UUID().uuidString.lowercased()), \(externalId), \(date), NULL, \(SessionRecord.Status.active.rawValue), \(JSONColumn.text(metadata)))
            ON CONFLICT (external_id) DO UPDATE SET status = excluded.status, ended_at = NULL
            RETURNING *
            """)
        guard let row = rows.first else { throw PostgresStoreError.recordNotFound(table: "sessions", key: externalId) }
        return try SessionRecord(row)
    }

    public func apply(_ writes: [StoreWrite]) async throws {
        guard !writes.isEmpty else { return }
        try await transaction { connection in
            for write in writes {
                switch write {
                case .detection(let record): try await Self.insert(record, on: connection, logger: logger)
                case .finding(let record): try await Self.save(record, on: connection, logger: logger)
                case .summary(let record): try await Self.save(record, on: connection, logger: logger)
                case .sessionEnded(let sessionId, let date, let status):
                    try await connection.query(
                        "UPDATE sessions SET ended_at = \(date), status = \(status.rawValue) WHERE id = \(sessionId)",
                        logger: logger)
                }
            }
        }
    }

    public func listSessions(limit: Int, offset: Int) async throws -> [SessionOverview] {
        try await snapshot { connection in
            let sessions = try await connection.rows(
                "SELECT * FROM sessions ORDER BY started_at DESC LIMIT \(limit) OFFSET \(offset)",
                logger: logger
            ).map(SessionRecord.init)
            let summaries = try await connection.rows(
                "SELECT * FROM session_summaries WHERE session_id = ANY(\(sessions.map(\.id)))",
                logger: logger
            ).map(SessionSummaryRecord.init)
            let byId = Dictionary(uniqueKeysWithValues: summaries.map { ($0.sessionId, $0) })
            return sessions.map { SessionOverview(session: $0, summary: byId[$0.id]) }
        }
    }

    public func session(_ id: String) async throws -> SessionOverview? {
        try await snapshot { connection in
            guard let row = try await connection.rows("SELECT * FROM sessions WHERE id = \(id) OR external_id = \(id) LIMIT 1", logger: logger).first
            else { return nil }
            let session = try SessionRecord(row)
            let summary = try await connection.rows("SELECT * FROM session_summaries WHERE session_id = \(session.id)", logger: logger)
                .first.map(SessionSummaryRecord.init)
            return SessionOverview(session: session, summary: summary)
        }
    }

    public func detectionCount(sessionId: String) async throws -> Int {
        try await rows("SELECT count(*) FROM detections WHERE session_id = \(sessionId)").first?.decode(Int.self) ?? 0
    }

    public func processingTimes(sessionId: String) async throws -> [Double] {
        try await rows("SELECT processing_ms FROM detections WHERE session_id = \(sessionId) ORDER BY id").map { try $0.decode(Double.self) }
    }

    public func setReviewed(sessionId: String, at date: Date?) async throws {
        try await rows("UPDATE sessions SET reviewed_at = \(date) WHERE id = \(sessionId)")
    }

    static func insert(_ record: DetectionRecord, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO detections (session_id, "timestamp", recorded_at, face_count, person_count, yaw, pitch, roll, deviation,
                                    forbidden_items, risk_score, alert_level, processing_ms)
            VALUES (\(record.sessionId), \(record.timestamp), \(record.recordedAt), \(record.faceCount), \(record.personCount), \(record.yaw),
                    \(record.pitch), \(record.roll), \(record.deviation), \(record.forbiddenItems), \(record.riskScore), \(record.alertLevel),
                    \(record.processingMs))
            """, logger: logger)
    }

    static func save(_ record: SessionSummaryRecord, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO session_summaries (session_id, total_frames, processed_frames, skipped_frames, dropped_frames, violation_count,
                                           violation_breakdown, max_risk, average_risk, highest_alert, duration, updated_at)
            VALUES (\(record.sessionId), \(record.totalFrames), \(record.processedFrames), \(record.skippedFrames), \(record.droppedFrames),
                    \(record.violationCount), \(JSONColumn.text(record.violationBreakdown)), \(record.maxRisk), \(record.averageRisk), \(record.highestAlert),
                    \(record.duration), \(record.updatedAt))
            ON CONFLICT (session_id) DO UPDATE SET total_frames = excluded.total_frames, processed_frames = excluded.processed_frames,
                skipped_frames = excluded.skipped_frames, dropped_frames = excluded.dropped_frames,
                violation_count = excluded.violation_count, violation_breakdown = excluded.violation_breakdown,
                max_risk = excluded.max_risk, average_risk = excluded.average_risk, highest_alert = excluded.highest_alert,
                duration = excluded.duration, updated_at = excluded.updated_at
            """, logger: logger)
    }
}
