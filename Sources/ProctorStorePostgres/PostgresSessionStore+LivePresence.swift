import Foundation
import PostgresNIO
import ProctorStore

extension PostgresSessionStore: LivePresenceStore {
    public func publishPresence(_ records: [LivePresenceRecord]) async throws {
        guard !records.isEmpty else { return }
        try await transaction { connection in
            for record in records {
                try await connection.query(
                    """
                    INSERT INTO live_presence (session_id, server_session_id, connection, server, connected_at, updated_at, frames_received,
                        frames_processed, frames_dropped, risk_score, alert_level, last_violation, last_violation_at, snapshot_version)
                    VALUES (\(record.sessionId), \(record.serverSessionId), \(record.connection), \(record.server), \(record.connectedAt),
                        \(record.updatedAt), \(record.framesReceived), \(record.framesProcessed), \(record.framesDropped), \(record.riskScore),
                        \(record.alertLevel), \(record.lastViolation), \(record.lastViolationAt), \(record.snapshotVersion))
                    ON CONFLICT (session_id) DO UPDATE SET server_session_id = excluded.server_session_id, connection = excluded.connection,
                        server = excluded.server, connected_at = excluded.connected_at, updated_at = excluded.updated_at,
                        frames_received = excluded.frames_received, frames_processed = excluded.frames_processed,
                        frames_dropped = excluded.frames_dropped, risk_score = excluded.risk_score, alert_level = excluded.alert_level,
                        last_violation = excluded.last_violation, last_violation_at = excluded.last_violation_at,
                        snapshot_version = excluded.snapshot_version
                    """, logger: logger)
            }
        }
    }

    public func removePresence(sessionId: String, connection: String) async throws {
        try await rows("DELETE FROM live_presence WHERE session_id = \(sessionId) AND connection = \(connection)")
    }

    public func presence(updatedSince since: Date) async throws -> [LivePresenceRecord] {
        try await rows(
            """
            SELECT * FROM live_presence WHERE updated_at >= \(since) ORDER BY connected_at, session_id COLLATE "C"
            """
        ).map(LivePresenceRecord.init)
    }
}

extension LivePresenceRecord {
    init(_ row: PostgresRow) throws {
        let column = RowReader(row)
        self.init(
            sessionId: try column("session_id"), serverSessionId: try column("server_session_id"), connection: try column("connection"),
            server: try column("server"), connectedAt: try column("connected_at"), updatedAt: try column("updated_at"),
            framesReceived: try column("frames_received"), framesProcessed: try column("frames_processed"),
            framesDropped: try column("frames_dropped"), riskScore: try column("risk_score"), alertLevel: try column("alert_level"),
            lastViolation: try column("last_violation"), lastViolationAt: try column("last_violation_at"),
            snapshotVersion: try column("snapshot_version"))
    }
}
