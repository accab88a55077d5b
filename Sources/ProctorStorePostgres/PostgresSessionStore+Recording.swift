import Foundation
import PostgresNIO
import ProctorCore
import ProctorStore

extension PostgresSessionStore: RecordingStore {
    public func createRecording(_ recording: RecordingRecord, session: SessionRecord) async throws {
        try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO sessions (id, external_id, started_at, ended_at, status, metadata, reviewed_at)
                VALUES (\(session.id), \(session.externalId), \(session.startedAt), \(session.endedAt), \(session.status.rawValue),
                        \(JSONColumn.text(session.metadata)), \(session.reviewedAt))
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO recordings (session_id, exam_id, candidate_id, chunk_seconds, upload_token_hash, reference_key, reference_embedding,
                                        end_requested_at, last_index, master_key, master_duration, finalized_at, gaps, consent_at, consent_version, audio_policy)
                VALUES (\(recording.sessionId), \(recording.examId), \(recording.candidateId), \(recording.chunkSeconds), \(recording.uploadTokenHash),
                        \(recording.referenceKey), \(JSONColumn.optionalText(recording.referenceEmbedding)), \(recording.endRequestedAt), \(recording.lastIndex),
                        \(recording.masterKey), \(recording.masterDuration), \(recording.finalizedAt), \(JSONColumn.optionalText(recording.gaps)), \(recording.consentAt),
                        \(recording.consentVersion), \(recording.audioPolicy.rawValue))
                """, logger: logger)
        }
    }

    public func recording(sessionId: String) async throws -> RecordingRecord? {
        try await rows("SELECT * FROM recordings WHERE session_id = \(sessionId)").first.map(RecordingRecord.init)
    }

    public func updateRecording(_ recording: RecordingRecord) async throws {
        let updated = try await rows(
            """
            UPDATE recordings SET exam_id = \(recording.examId), candidate_id = \(recording.candidateId), chunk_seconds = \(recording.chunkSeconds),
                upload_token_hash = \(recording.uploadTokenHash), reference_key = \(recording.referenceKey),
                reference_embedding = \(JSONColumn.optionalText(recording.referenceEmbedding)), end_requested_at = \(recording.endRequestedAt),
                last_index = \(recording.lastIndex), master_key = \(recording.masterKey), master_duration = \(recording.masterDuration),
                finalized_at = \(recording.finalizedAt), gaps = \(JSONColumn.optionalText(recording.gaps)), consent_at = \(recording.consentAt),
                consent_version = \(recording.consentVersion), audio_policy = \(recording.audioPolicy.rawValue)
            WHERE session_id = \(recording.sessionId)
            RETURNING session_id
            """)
        guard !updated.isEmpty else { throw PostgresStoreError.recordNotFound(table: "recordings", key: recording.sessionId) }
    }

    public func addChunk(_ chunk: ChunkRecord, at date: Date) async throws -> (chunk: ChunkRecord, inserted: Bool) {
        try await transaction { connection in
            // ON CONFLICT rather than look-then-insert: a retried upload racing the first one (on
            // another server) waits for it and then finds its chunk, instead of failing on the key.
            let inserted = try await connection.rows(
                """
                INSERT INTO chunks (session_id, "index", sha256, size, blob_key, status, duration, error, batch_key, uploaded_at, started_at)
                VALUES (\(chunk.sessionId), \(chunk.index), \(chunk.sha256), \(chunk.size), \(chunk.blobKey), \(chunk.status.rawValue),
                        \(chunk.duration), \(chunk.error), \(chunk.batchKey), \(chunk.uploadedAt), \(chunk.startedAt))
                ON CONFLICT (session_id, "index") DO NOTHING
                RETURNING session_id
                """, logger: logger)
            if inserted.isEmpty {
                let existing = try await connection.rows(
                    """
                    SELECT * FROM chunks WHERE session_id = \(chunk.sessionId) AND "index" = \(chunk.index)
                    """, logger: logger)
                guard let row = existing.first else {
                    throw PostgresStoreError.recordNotFound(table: "chunks", key: "\(chunk.sessionId)/\(chunk.index)")
                }
                return (try ChunkRecord(row), false)
            }
            let job = JobRecord(kind: .processChunk, sessionId: chunk.sessionId, chunkIndex: chunk.index, runAfter: date.timeIntervalSince1970, at: date)
            try await Self.enqueue(job, on: connection, logger: logger)
            return (chunk, true)
        }
    }

    public func chunks(sessionId: String) async throws -> [ChunkRecord] {
        try await rows(#"SELECT * FROM chunks WHERE session_id = \#(sessionId) ORDER BY "index""#).map(ChunkRecord.init)
    }

    public func completeChunk(_ chunk: ChunkRecord, findings: [FindingRecord]) async throws {
        try await transaction { connection in
            try await connection.query(
                """
                DELETE FROM findings WHERE session_id = \(chunk.sessionId) AND source IN (\(FindingSource.recorded.rawValue), \(FindingSource.audio.rawValue))
                    AND chunk_index = \(chunk.index)
                """, logger: logger)
            for finding in findings { try await Self.save(finding, on: connection, logger: logger) }
            let updated = try await connection.query(Self.chunkUpdate(chunk), logger: logger).collect()
            guard !updated.isEmpty else { throw PostgresStoreError.recordNotFound(table: "chunks", key: "\(chunk.sessionId)/\(chunk.index)") }
        }
    }

    static func chunkUpdate(_ chunk: ChunkRecord) -> PostgresQuery {
        """
        UPDATE chunks SET sha256 = \(chunk.sha256), size = \(chunk.size), blob_key = \(chunk.blobKey), status = \(chunk.status.rawValue),
            duration = \(chunk.duration), error = \(chunk.error), batch_key = \(chunk.batchKey), uploaded_at = \(chunk.uploadedAt),
            started_at = \(chunk.startedAt)
        WHERE session_id = \(chunk.sessionId) AND "index" = \(chunk.index)
        RETURNING session_id
        """
    }

    public func updateChunk(_ chunk: ChunkRecord) async throws {
        let updated = try await rows(Self.chunkUpdate(chunk))
        guard !updated.isEmpty else { throw PostgresStoreError.recordNotFound(table: "chunks", key: "\(chunk.sessionId)/\(chunk.index)") }
    }

    public func enqueue(_ job: JobRecord) async throws {
        try await transaction { connection in
            try await Self.enqueue(job, on: connection, logger: logger)
        }
    }

    /// Inserts the job unless one of the same kind, session and chunk is queued or running, and
    /// notifies the listening workers. Runs inside the caller's transaction, so the notification
    /// goes out on commit, when the job is visible to the workers it wakes. The job's `id` is
    /// ignored: the database numbers jobs.
    @discardableResult
    static func enqueue(_ job: JobRecord, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let pending = try await connection.rows(
            """
            SELECT 1 FROM jobs
            WHERE kind = \(job.kind.rawValue) AND session_id = \(job.sessionId) AND chunk_index = \(job.chunkIndex)
              AND status IN ('queued', 'running')
            LIMIT 1
            """, logger: logger)
        guard pending.isEmpty else { return false }
        // The partial unique index jobs_pending settles two enqueues that both found nothing.
        let inserted = try await connection.rows(
            """
            INSERT INTO jobs (kind, session_id, chunk_index, status, attempts, run_after, lease_owner, lease_expires_at, last_error,
                              created_at, updated_at)
            VALUES (\(job.kind.rawValue), \(job.sessionId), \(job.chunkIndex), \(job.status.rawValue), \(job.attempts), \(job.runAfter),
                    \(job.leaseOwner), \(job.leaseExpiresAt), \(job.lastError), \(job.createdAt), \(job.updatedAt))
            ON CONFLICT (kind, session_id, chunk_index) WHERE status IN ('queued', 'running') DO NOTHING
            RETURNING id
            """, logger: logger)
        guard !inserted.isEmpty else { return false }
        try await connection.query("SELECT pg_notify(\(jobChannel), \(job.kind.rawValue))", logger: logger)
        return true
    }

    public func claimJob(kinds: [JobKind], owner: String, now: Date, policy: JobPolicy) async throws -> JobRecord? {
        let seconds = now.timeIntervalSince1970
        // One statement: SKIP LOCKED makes concurrent claimers pass over a row another is taking, so
        // each job goes to exactly one worker and nobody waits for anybody.
        return try await rows(
            """
            UPDATE jobs SET status = 'running', lease_owner = \(owner), lease_expires_at = \(seconds + policy.leaseSeconds),
                attempts = attempts + 1, updated_at = \(now)
            WHERE id = (
                SELECT id FROM jobs
                WHERE kind = ANY(\(kinds.map(\.rawValue)))
                  AND ((status = 'queued' AND run_after <= \(seconds)) OR (status = 'running' AND lease_expires_at < \(seconds)))
                ORDER BY run_after, id LIMIT 1
                FOR UPDATE SKIP LOCKED
            )
            RETURNING *
            """
        ).first.map(JobRecord.init)
    }

    public func heartbeat(jobId: Int64, owner: String, now: Date, policy: JobPolicy) async throws -> Bool {
        let updated = try await rows(
            """
            UPDATE jobs SET lease_expires_at = \(now.timeIntervalSince1970 + policy.leaseSeconds), updated_at = \(now)
            WHERE id = \(jobId) AND lease_owner = \(owner) AND status = 'running'
            RETURNING id
            """)
        return updated.count == 1
    }

    public func finishJob(_ job: JobRecord, owner: String) async throws -> Bool {
        guard let id = job.id else { return false }
        let updated = try await rows(
            """
            UPDATE jobs SET status = \(job.status.rawValue), attempts = \(job.attempts), run_after = \(job.runAfter), lease_owner = NULL,
                lease_expires_at = NULL, last_error = \(job.lastError), updated_at = \(job.updatedAt)
            WHERE id = \(id) AND lease_owner = \(owner) AND status = 'running'
            RETURNING id
            """)
        return updated.count == 1
    }

    public func jobs(sessionId: String) async throws -> [JobRecord] {
        try await rows("SELECT * FROM jobs WHERE session_id = \(sessionId) ORDER BY id").map(JobRecord.init)
    }

    public func acquireLock(_ name: String, owner: String, now: Date, expiresAt: Date) async throws -> Bool {
        // Taken when free, renewed by its owner, taken over once expired; otherwise the row stays and
        // nothing is returned.
        let taken = try await rows(
            """
            INSERT INTO locks (name, owner, expires_at) VALUES (\(name), \(owner), \(expiresAt.timeIntervalSince1970))
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE locks.owner = excluded.owner OR locks.expires_at < \(now.timeIntervalSince1970)
            RETURNING name
            """)
        return taken.count == 1
    }

    public func releaseLock(_ name: String, owner: String) async throws {
        try await rows("DELETE FROM locks WHERE name = \(name) AND owner = \(owner)")
    }

    public func recordings(sessionIds: [String]) async throws -> [RecordingRecord] {
        guard !sessionIds.isEmpty else { return [] }
        return try await rows(#"SELECT * FROM recordings WHERE session_id = ANY(\#(sessionIds)) ORDER BY session_id COLLATE "C""#)
            .map(RecordingRecord.init)
    }

    public func addMilestone(_ milestone: MilestoneRecord) async throws {
        try await rows(
            """
            INSERT INTO milestones (session_id, kind, at, details)
            VALUES (\(milestone.sessionId), \(milestone.kind.rawValue), \(milestone.at), \(JSONColumn.text(milestone.details)))
            """)
    }

    public func milestones(sessionId: String) async throws -> [MilestoneRecord] {
        try await rows("SELECT * FROM milestones WHERE session_id = \(sessionId) ORDER BY at, id").map(MilestoneRecord.init)
    }

    public func gazeCalibration(sessionId: String) async throws -> GazeCalibrationRecord? {
        try await rows("SELECT calibration, created_at FROM gaze_calibrations WHERE session_id = \(sessionId)").first
            .flatMap { try GazeCalibrationRecord(sessionId: sessionId, row: $0) }
    }

    public func saveGazeCalibration(_ record: GazeCalibrationRecord) async throws -> GazeCalibrationRecord {
        let calibration = record.calibration
        // One statement either way: RETURNING gives the row in force (the new one, or after DO NOTHING none, then read it).
        let written = try await rows(
            record.replacesStored
                ? """
                INSERT INTO gaze_calibrations (session_id, source, calibration, frames, created_at)
                VALUES (\(record.sessionId), \(calibration.source.rawValue), \(record.calibrationJSON), \(calibration.frames), \(record.createdAt))
                ON CONFLICT (session_id) DO UPDATE SET source = excluded.source, calibration = excluded.calibration, frames = excluded.frames,
                    created_at = excluded.created_at
                RETURNING calibration, created_at
                """
                : """
                INSERT INTO gaze_calibrations (session_id, source, calibration, frames, created_at)
                VALUES (\(record.sessionId), \(calibration.source.rawValue), \(record.calibrationJSON), \(calibration.frames), \(record.createdAt))
                ON CONFLICT (session_id) DO NOTHING
                RETURNING calibration, created_at
                """)
        if let row = written.first, let stored = try GazeCalibrationRecord(sessionId: record.sessionId, row: row) { return stored }
        guard let stored = try await gazeCalibration(sessionId: record.sessionId) else {
            throw PostgresStoreError.recordNotFound(table: "gaze_calibrations", key: record.sessionId)
        }
        return stored
    }
}

extension GazeCalibrationRecord {
    init?(sessionId: String, row: PostgresRow) throws {
        let column = RowReader(row)
        self.init(sessionId: sessionId, calibrationJSON: try column("calibration"), createdAt: try column("created_at"))
    }
}
