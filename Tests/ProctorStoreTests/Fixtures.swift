import Foundation
import ProctorCore
import ProctorStore

/// Records for the store tests. Times are whole seconds: SQLite keeps milliseconds and PostgreSQL
/// microseconds, so whole seconds come back equal from both.
enum Fixtures {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func at(_ seconds: Int) -> Date { t0.addingTimeInterval(TimeInterval(seconds)) }

    static func session(_ id: String, startedAt: Date = t0, endedAt: Date? = nil) -> SessionRecord {
        SessionRecord(
            id: id, externalId: "ext-\(id)", startedAt: startedAt, endedAt: endedAt, status: endedAt == nil ? .active : .completed,
            metadata: ["client": "test"])
    }

    static func recording(_ sessionId: String) -> RecordingRecord {
        RecordingRecord(sessionId: sessionId, examId: "exam-1", candidateId: "cand-1", chunkSeconds: 10, uploadTokenHash: "hash-\(sessionId)")
    }

    static func chunk(_ sessionId: String, _ index: Int, sha: String = "sha") -> ChunkRecord {
        ChunkRecord(
            sessionId: sessionId, index: index, sha256: "\(sha)-\(index)", size: 1000 + index, blobKey: "chunks/\(sessionId)/\(index).webm",
            status: .uploaded, uploadedAt: at(index))
    }

    static func detection(_ sessionId: String, _ timestamp: Double, processingMs: Double) -> DetectionRecord {
        DetectionRecord(
            sessionId: sessionId, timestamp: timestamp, recordedAt: t0, faceCount: 1, personCount: nil, yaw: 1.5, pitch: nil,
            roll: -2, deviation: true, forbiddenItems: "cell_phone", riskScore: 0.4, alertLevel: "medium", processingMs: processingMs)
    }

    /// A live finding.
    static func violation(_ id: String, _ sessionId: String, start: Double, evidence: String? = nil) -> FindingRecord {
        var finding = FindingRecord(
            id: id, sessionId: sessionId, source: .live, type: .lookingAway, severity: 2, confidence: 0.9, frames: 12,
            evidenceKey: evidence, createdAt: t0)
        finding.sessionStart = start
        finding.sessionEnd = start + 3
        return finding
    }

    static func summary(_ sessionId: String, frames: Int) -> SessionSummaryRecord {
        SessionSummaryRecord(
            sessionId: sessionId, totalFrames: frames, processedFrames: frames - 1, skippedFrames: 1, droppedFrames: 0,
            violationCount: 2, violationBreakdown: ["looking_away": 2], maxRisk: 0.8, averageRisk: 0.3,
            highestAlert: "high", duration: 60, updatedAt: t0)
    }

    /// A recorded finding.
    static func event(
        _ id: String, _ sessionId: String, chunk: Int, offset: Double, type: ViolationKind = .lookingAway,
        evidence: String? = nil
    ) -> FindingRecord {
        var finding = FindingRecord(
            id: id, sessionId: sessionId, source: .recorded, type: type, severity: 20, confidence: 0.8, frames: 2,
            evidenceKey: evidence, createdAt: t0)
        finding.chunkIndex = chunk
        finding.chunkStart = offset
        finding.chunkEnd = offset + 1
        return finding
    }

    static func job(_ kind: JobKind = .processChunk, _ sessionId: String = "s1", chunk: Int = -1, runAfter: Double = 0) -> JobRecord {
        JobRecord(kind: kind, sessionId: sessionId, chunkIndex: chunk, runAfter: runAfter, at: t0)
    }
}
