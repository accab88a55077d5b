import Foundation
import ProctorCore

/// Recorded sessions, their chunks and milestones, and the durable job queue (their findings: `FindingStore`).
///
/// Every call is one transaction; in particular a chunk is recorded and its job enqueued together,
/// so a crash can never leave a stored chunk without the work to analyse it.
public protocol RecordingStore: Sendable {
    func createRecording(_ recording: RecordingRecord, session: SessionRecord) async throws
    func recording(sessionId: String) async throws -> RecordingRecord?
    func updateRecording(_ recording: RecordingRecord) async throws

    /// Records a chunk and enqueues its processing, unless a chunk with that index exists: then the
    /// existing record is returned and nothing changes.
    func addChunk(_ chunk: ChunkRecord, at date: Date) async throws -> (chunk: ChunkRecord, inserted: Bool)
    func chunks(sessionId: String) async throws -> [ChunkRecord]
    func updateChunk(_ chunk: ChunkRecord) async throws
    /// Stores an analysed chunk and its findings (replacing any from an earlier attempt) in one
    /// transaction: a reader never sees the findings of a chunk that is not yet on the timeline
    /// (which would leave them without a place in the video).
    func completeChunk(_ chunk: ChunkRecord, findings: [FindingRecord]) async throws

    /// Enqueues a job unless one of the same kind, session and chunk is already waiting or running.
    func enqueue(_ job: JobRecord) async throws
    /// Atomically takes the next due job of the given kinds (or one whose lease expired).
    func claimJob(kinds: [JobKind], owner: String, now: Date, policy: JobPolicy) async throws -> JobRecord?
    /// Extends the lease; false when the job is no longer held by `owner` (reclaimed by another worker).
    func heartbeat(jobId: Int64, owner: String, now: Date, policy: JobPolicy) async throws -> Bool
    /// Stores the job's next state if `owner` still holds it; false otherwise.
    func finishJob(_ job: JobRecord, owner: String) async throws -> Bool
    func jobs(sessionId: String) async throws -> [JobRecord]

    /// Takes a named per-session lock until `expiresAt`; false while someone else holds it.
    func acquireLock(_ name: String, owner: String, now: Date, expiresAt: Date) async throws -> Bool
    func releaseLock(_ name: String, owner: String) async throws

    func recordings(sessionIds: [String]) async throws -> [RecordingRecord]

    func addMilestone(_ milestone: MilestoneRecord) async throws
    func milestones(sessionId: String) async throws -> [MilestoneRecord]

    /// The session's gaze calibration, if one is stored.
    func gazeCalibration(sessionId: String) async throws -> GazeCalibrationRecord?
    /// Stores a gaze calibration in one statement: an explicit one replaces what is stored, an
    /// automatic one is kept only when nothing is stored yet. Returns the calibration now in force.
    func saveGazeCalibration(_ record: GazeCalibrationRecord) async throws -> GazeCalibrationRecord
}
