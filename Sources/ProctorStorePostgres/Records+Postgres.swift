import Foundation
import PostgresNIO
import ProctorCore
import ProctorStore

/// A row read by column name. Columns are the snake_case names of the record properties, as in
/// SQLite, so every reader below is a plain list of names.
struct RowReader {
    private let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    func callAsFunction<Value: PostgresDecodable>(_ name: String, as type: Value.Type = Value.self) throws -> Value {
        try row[name].decode(Value.self)
    }

    /// A string column holding an enum's raw value.
    func callAsFunction<Value: RawRepresentable>(_ name: String, as type: Value.Type = Value.self) throws -> Value where Value.RawValue == String {
        let raw = try row[name].decode(String.self)
        guard let value = Value(rawValue: raw) else { throw PostgresStoreError.unknownValue(column: name, value: raw) }
        return value
    }
}

extension SessionRecord {
    init(_ row: PostgresRow) throws {
        let column = RowReader(row)
        self.init(
            id: try column("id"), externalId: try column("external_id"), startedAt: try column("started_at"),
            endedAt: try column("ended_at"), status: try column("status"), metadata: try JSONColumn.value(try column("metadata")))
        reviewedAt = try column("reviewed_at")
    }
}

extension SessionSummaryRecord {
    init(_ row: PostgresRow) throws {
        let column = RowReader(row)
        self.init(
            sessionId: try column("session_id"), totalFrames: try column("total_frames"), processedFrames: try column("processed_frames"),
            skippedFrames: try column("skipped_frames"), droppedFrames: try column("dropped_frames"),
            violationCount: try column("violation_count"), violationBreakdown: try JSONColumn.value(try column("violation_breakdown")),
            maxRisk: try column("max_risk"), averageRisk: try column("average_risk"), highestAlert: try column("highest_alert"),
            duration: try column("duration"), updatedAt: try column("updated_at"))
    }
}

extension RecordingRecord {
    init(_ row: PostgresRow) throws {
        let column = RowReader(row)
        self.init(
            sessionId: try column("session_id"), examId: try column("exam_id"), candidateId: try column("candidate_id"),
            chunkSeconds: try column("chunk_seconds"), uploadTokenHash: try column("upload_token_hash"))
        referenceKey = try column("reference_key")
        referenceEmbedding = try JSONColumn.optional(try column("reference_embedding"))
        endRequestedAt = try column("end_requested_at")
        lastIndex = try column("last_index")
        masterKey = try column("master_key")
        masterDuration = try column("master_duration")
        finalizedAt = try column("finalized_at")
        gaps = try JSONColumn.optional(try column("gaps"))
        consentAt = try column("consent_at")
        consentVersion = try column("consent_version")
        audioPolicy = AudioPolicy(rawValue: try column("audio_policy")) ?? .on
    }
}

extension ChunkRecord {
    init(_ row: PostgresRow) throws {
        let column = RowReader(row)
        self.init(
            sessionId: try column("session_id"), index: try column("index"), sha256: try column("sha256"), size: try column("size"),
            blobKey: try column("blob_key"), status: try column("status"), uploadedAt: try column("uploaded_at"))
        duration = try column("duration")
        error = try column("error")
        batchKey = try column("batch_key")
        startedAt = try column("started_at")
    }
}

extension JobRecord {
    init(_ row: PostgresRow) throws {
        let column = RowReader(row)
        self.init(
            kind: try column("kind"), sessionId: try column("session_id"), chunkIndex: try column("chunk_index"),
            runAfter: try column("run_after"), at: try column("created_at"))
        id = try column("id")
        status = try column("status")
        attempts = try column("attempts")
        leaseOwner = try column("lease_owner")
        leaseExpiresAt = try column("lease_expires_at")
        lastError = try column("last_error")
        updatedAt = try column("updated_at")
    }
}

extension FindingRecord {
    init(_ row: PostgresRow) throws {
        let column = RowReader(row)
        let details: FindingDetails = try JSONColumn.value(try column("details"))
        self.init(
            id: try column("id"), sessionId: try column("session_id"), source: try column("source"), type: try column("type"),
            severity: try column("severity"), confidence: try column("confidence"), frames: try column("frames"), details: details,
            evidenceKey: try column("evidence_key"), createdAt: try column("created_at"))
        sessionStart = try column("session_start")
        sessionEnd = try column("session_end")
        chunkIndex = try column("chunk_index")
        chunkStart = try column("chunk_start")
        chunkEnd = try column("chunk_end")
        videoStart = try column("video_start")
        videoEnd = try column("video_end")
        startedAt = try column("started_at")
        endedAt = try column("ended_at")
        decision = try column("decision", as: String?.self).flatMap(FindingDecision.init(rawValue:))
        note = try column("note")
        reviewer = try column("reviewer")
        reviewedAt = try column("reviewed_at")
    }
}

extension MilestoneRecord {
    init(_ row: PostgresRow) throws {
        let column = RowReader(row)
        self.init(sessionId: try column("session_id"), kind: try column("kind"), at: try column("at"), details: try JSONColumn.value(try column("details")))
        id = try column("id")
    }
}

extension UserRecord {
    init(_ row: PostgresRow) throws {
        let column = RowReader(row)
        self.init(
            id: try column("id"), username: try column("username"), role: try column("role"), passwordHash: try column("password_hash"),
            createdAt: try column("created_at"))
        disabledAt = try column("disabled_at")
    }
}

extension AuditRecord {
    init(_ row: PostgresRow) throws {
        let column = RowReader(row)
        self.init(
            at: try column("at"), actor: try column("actor"), role: try column("role"), action: try column("action"),
            target: try column("target"), details: try JSONColumn.value(try column("details")), ip: try column("ip"))
        id = try column("id")
    }
}

extension Accommodation {
    /// Stored with `exam_id` '' for "every exam" (a primary key column cannot be NULL) and the scales
    /// as JSON text, as in SQLite.
    init(_ row: PostgresRow) throws {
        let column = RowReader(row)
        let exam: String = try column("exam_id")
        let scalesJSON: String = try column("scales")
        let scales = (try? JSONDecoder().decode([String: Double].self, from: Data(scalesJSON.utf8))) ?? [:]
        self.init(candidateId: try column("candidate_id"), examId: exam.isEmpty ? nil : exam, scales: scales, note: try column("note"))
    }
}

/// Typed values kept as JSON text in a column, encoded and decoded the same way as GRDB does for
/// SQLite, so both backends hold identical text.
enum JSONColumn {
    static func text<Value: Encodable>(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    static func optionalText<Value: Encodable>(_ value: Value?) -> String? {
        value.map(text)
    }

    static func value<Value: Decodable>(_ text: String) throws -> Value {
        try JSONDecoder().decode(Value.self, from: Data(text.utf8))
    }

    static func optional<Value: Decodable>(_ text: String?) throws -> Value? {
        try text.map(value)
    }
}
