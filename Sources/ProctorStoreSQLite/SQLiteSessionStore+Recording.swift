import Foundation
import GRDB
import ProctorCore
import ProctorStore

extension SQLiteSessionStore: RecordingStore {
    public func createRecording(_ recording: RecordingRecord, session: SessionRecord) async throws {
        try await database.write { db in
            try session.insert(db)
            try recording.insert(db)
        }
    }

    public func recording(sessionId: String) async throws -> RecordingRecord? {
        try await database.read { db in try RecordingRecord.fetchOne(db, key: sessionId) }
    }

    public func updateRecording(_ recording: RecordingRecord) async throws {
        try await database.write { db in try recording.update(db) }
    }

    public func addChunk(_ chunk: ChunkRecord, at date: Date) async throws -> (chunk: ChunkRecord, inserted: Bool) {
        try await database.write { db in
            if let existing = try ChunkRecord.filter(Column("session_id") == chunk.sessionId && Column("index") == chunk.index).fetchOne(db) {
                return (existing, false)
            }
            try chunk.insert(db)
            try Self.enqueue(
                JobRecord(
                    kind: .processChunk, sessionId: chunk.sessionId, chunkIndex: chunk.index,
                    runAfter: date.timeIntervalSince1970, at: date), in: db)
            return (chunk, true)
        }
    }

    public func chunks(sessionId: String) async throws -> [ChunkRecord] {
        try await database.read { db in
            try ChunkRecord.filter(Column("session_id") == sessionId).order(Column("index")).fetchAll(db)
        }
    }

    public func updateChunk(_ chunk: ChunkRecord) async throws {
        try await database.write { db in try chunk.update(db) }
    }

    public func completeChunk(_ chunk: ChunkRecord, findings: [FindingRecord]) async throws {
        try await database.write { db in
            try FindingRecord.filter(
                Column("session_id") == chunk.sessionId && [FindingSource.recorded.rawValue, FindingSource.audio.rawValue].contains(Column("source"))
                    && Column("chunk_index") == chunk.index
            ).deleteAll(db)
            for finding in findings { try finding.insert(db) }
            try chunk.update(db)
        }
    }

    public func enqueue(_ job: JobRecord) async throws {
        try await database.write { db in try Self.enqueue(job, in: db) }
    }

    static func enqueue(_ job: JobRecord, in db: Database) throws {
        let pending =
            try JobRecord
            .filter(Column("kind") == job.kind.rawValue && Column("session_id") == job.sessionId && Column("chunk_index") == job.chunkIndex)
            .filter([JobStatus.queued.rawValue, JobStatus.running.rawValue].contains(Column("status")))
            .fetchCount(db)
        guard pending == 0 else { return }
        try job.insert(db)
    }

    public func claimJob(kinds: [JobKind], owner: String, now: Date, policy: JobPolicy) async throws -> JobRecord? {
        let seconds = now.timeIntervalSince1970
        return try await database.write { db in
            // One statement: the job is either ours or someone else's, never both.
            let placeholders = kinds.map { _ in "?" }.joined(separator: ",")
            var arguments: StatementArguments = [owner, seconds + policy.leaseSeconds, now]
            arguments += StatementArguments(kinds.map(\.rawValue))
            arguments += [seconds, seconds]
            return try JobRecord.fetchOne(
                db,
                sql: """
                    UPDATE jobs SET status = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, updated_at = ?
                    WHERE id = (
                        SELECT id FROM jobs
                        WHERE kind IN (\(placeholders))
                          AND ((status = 'queued' AND run_after <= ?) OR (status = 'running' AND lease_expires_at < ?))
                        ORDER BY run_after, id LIMIT 1
                    )
                    RETURNING *
                    """, arguments: arguments)
        }
    }

    public func heartbeat(jobId: Int64, owner: String, now: Date, policy: JobPolicy) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE jobs SET lease_expires_at = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'",
                arguments: [now.timeIntervalSince1970 + policy.leaseSeconds, now, jobId, owner])
            return db.changesCount == 1
        }
    }

    public func finishJob(_ job: JobRecord, owner: String) async throws -> Bool {
        try await database.write { db in
            guard let id = job.id else { return false }
            try db.execute(
                sql: """
                    UPDATE jobs SET status = ?, attempts = ?, run_after = ?, lease_owner = NULL, lease_expires_at = NULL, last_error = ?, updated_at = ?
                    WHERE id = ? AND lease_owner = ? AND status = 'running'
                    """, arguments: [job.status.rawValue, job.attempts, job.runAfter, job.lastError, job.updatedAt, id, owner])
            return db.changesCount == 1
        }
    }

    public func jobs(sessionId: String) async throws -> [JobRecord] {
        try await database.read { db in
            try JobRecord.filter(Column("session_id") == sessionId).order(Column("id")).fetchAll(db)
        }
    }

    public func acquireLock(_ name: String, owner: String, now: Date, expiresAt: Date) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO locks (name, owner, expires_at) VALUES (?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                    WHERE locks.owner = excluded.owner OR locks.expires_at < ?
                    """, arguments: [name, owner, expiresAt.timeIntervalSince1970, now.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    public func releaseLock(_ name: String, owner: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM locks WHERE name = ? AND owner = ?", arguments: [name, owner])
        }
    }

    public func recordings(sessionIds: [String]) async throws -> [RecordingRecord] {
        try await database.read { db in try RecordingRecord.filter(keys: sessionIds).fetchAll(db) }
    }

    public func addMilestone(_ milestone: MilestoneRecord) async throws {
        try await database.write { db in
            var milestone = milestone
            try milestone.insert(db)
        }
    }

    public func milestones(sessionId: String) async throws -> [MilestoneRecord] {
        try await database.read { db in
            try MilestoneRecord.filter(Column("session_id") == sessionId).order(Column("at"), Column("id")).fetchAll(db)
        }
    }

    public func gazeCalibration(sessionId: String) async throws -> GazeCalibrationRecord? {
        try await database.read { db in try Self.gazeCalibration(sessionId, in: db) }
    }

    public func saveGazeCalibration(_ record: GazeCalibrationRecord) async throws -> GazeCalibrationRecord {
        try await database.write { db in
            let conflict =
                record.replacesStored
                ? "DO UPDATE SET source = excluded.source, calibration = excluded.calibration, frames = excluded.frames, created_at = excluded.created_at"
                : "DO NOTHING"
            try db.execute(
                sql: """
                    INSERT INTO gaze_calibrations (session_id, source, calibration, frames, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (session_id) \(conflict)
                    """, arguments: [record.sessionId, record.calibration.source.rawValue, record.calibrationJSON, record.calibration.frames, record.createdAt])
            guard let stored = try Self.gazeCalibration(record.sessionId, in: db) else {
                throw DatabaseError(message: "gaze calibration of \(record.sessionId) was not stored")
            }
            return stored
        }
    }

    static func gazeCalibration(_ sessionId: String, in db: Database) throws -> GazeCalibrationRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT calibration, created_at FROM gaze_calibrations WHERE session_id = ?", arguments: [sessionId]) else {
            return nil
        }
        return GazeCalibrationRecord(sessionId: sessionId, calibrationJSON: row["calibration"], createdAt: row["created_at"])
    }
}
