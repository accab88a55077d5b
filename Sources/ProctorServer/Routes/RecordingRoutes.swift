import Crypto
import Foundation
import Hummingbird
import HummingbirdWebSocket
import ProctorCore
import ProctorRecording
import ProctorStore
import ProctorVision

/// The recorded-session API: create, enrol a reference photo, upload chunks, end; then review
/// events, their evidence and the merged video.
struct RecordingRoutes {
    let services: ProctorServices

    func register(on router: Router<ProctorRequestContext>) {
        let api = router.group("api/sessions")
        api.post(use: create)
        api.post("{id}/invitation", use: reissueInvitation)
        api.get("{id}/candidate", use: candidate)
        api.post("{id}/consent", use: consent)
        api.post("{id}/reference", use: enrolReference)
        api.put("{id}/chunks/{index}", use: uploadChunk)
        api.get("{id}/chunks", use: listChunks)
        api.post("{id}/end", use: end)
        api.get("{id}/events", use: listEvents)
        api.patch("{id}/events/{eid}", use: review)
        api.get("{id}/events/{eid}/evidence", use: evidence)
        api.get("{id}/video", use: video)
    }

    private var recording: RecordingConfiguration { services.configuration.recording }

    // MARK: Create

    struct CreateRequest: Decodable {
        var examId: String
        var candidateId: String
        var chunkSeconds: Double?
    }

    @Sendable func create(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        let caller = try context.require(.manageExams)
        let body = try await RequestBody.decode(CreateRequest.self, from: request)
        for (name, value) in [("exam_id", body.examId), ("candidate_id", body.candidateId)] where value.isEmpty || value.count > 128 {
            throw APIError(.badRequest, "invalid_field", "\(name) must be 1-128 characters")
        }
        let chunkSeconds = body.chunkSeconds ?? recording.chunkSeconds
        guard chunkSeconds >= 1, chunkSeconds <= 600 else { throw APIError(.badRequest, "invalid_field", "chunk_seconds must be 1-600") }
        let id = UUID().uuidString.lowercased()
        let (token, expires) = try invitation(for: id)
        let metadata = ServerMessage.json(["kind": "recorded", "exam_id": body.examId, "candidate_id": body.candidateId])
        let session = SessionRecord(id: id, externalId: id, startedAt: Date(), endedAt: nil, status: .active, metadata: metadata)
        let record = RecordingRecord(sessionId: id, examId: body.examId, candidateId: body.candidateId, chunkSeconds: chunkSeconds, uploadTokenHash: TokenSigner.fingerprint(token))
        try await services.recordings.createRecording(record, session: session)
        await services.audit(caller, "invitation_created", target: id, details: ["exam_id": body.examId, "candidate_id": body.candidateId], context: context)
        return JSONBody([
            "id": id, "upload_token": token, "chunk_seconds": chunkSeconds, "exam_id": body.examId, "candidate_id": body.candidateId,
            "chunk_upload_url": "/api/sessions/\(id)/chunks/{index}", "invitation_url": "/exam/\(id)?token=\(token)",
            "invitation_expires_at": ISO8601DateFormatter().string(from: expires),
        ]).response(status: .created)
    }

    /// A new invitation link for the session; the previous link stops working.
    @Sendable func reissueInvitation(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        let caller = try context.require(.manageExams)
        var record = try await recordingRecord(context)
        guard record.endRequestedAt == nil else { throw APIError(.conflict, "session_ended", "the session has ended") }
        let (token, expires) = try invitation(for: record.sessionId)
        record.uploadTokenHash = TokenSigner.fingerprint(token)
        try await services.recordings.updateRecording(record)
        await services.audit(caller, "invitation_reissued", target: record.sessionId, context: context)
        return JSONBody(["id": record.sessionId, "upload_token": token, "invitation_url": "/exam/\(record.sessionId)?token=\(token)",
                         "invitation_expires_at": ISO8601DateFormatter().string(from: expires)]).response(status: .ok)
    }

    /// A signed candidate token for one session, expiring after `auth.invitation_hours`. Its hash is
    /// stored with the session, so only the latest invitation works.
    private func invitation(for sessionId: String) throws -> (String, Date) {
        let now = Date()
        let expires = now.addingTimeInterval(services.configuration.auth.invitationHours * 3600)
        let token = AccessToken(sub: sessionId, role: .candidate, iat: now.timeIntervalSince1970, exp: expires.timeIntervalSince1970,
                                jti: TokenSigner.newIdentifier(), sid: sessionId, name: nil)
        return (try services.signer.sign(token), expires)
    }

    // MARK: Candidate page

    /// What the candidate page needs to resume at the right step, and the retention it must disclose.
    @Sendable func candidate(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        let record = try await authorisedRecording(request, context)
        let privacy = services.configuration.privacy
        return JSONBody([
            "session_id": record.sessionId, "exam_id": record.examId, "candidate_id": record.candidateId, "chunk_seconds": record.chunkSeconds,
            "consent_at": record.consentAt.map { ISO8601DateFormatter().string(from: $0) as Any } ?? NSNull(),
            "reference_enrolled": record.referenceEmbedding != nil, "end_requested": record.endRequestedAt != nil,
            "finalized": record.finalizedAt != nil,
            "retention": ["video_days": privacy.videoDays, "evidence_days": privacy.evidenceDays, "face_data_days": privacy.faceDataDays],
        ]).response(status: .ok)
    }

    // MARK: Consent

    struct ConsentRequest: Decodable {
        /// The version of the notice the candidate read.
        var noticeVersion: String
        /// What the candidate agreed to have captured; all three are needed to take the exam.
        var items: [String]
    }

    /// Records the candidate's consent; nothing is captured before it (the page asks first, and the
    /// reference, chunk and live routes of a recorded session refuse without it).
    @Sendable func consent(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        var record = try await authorisedRecording(request, context)
        let body = try await RequestBody.decode(ConsentRequest.self, from: request)
        let missing = Self.consentItems.subtracting(body.items)
        guard missing.isEmpty else {
            throw APIError(.badRequest, "consent_incomplete", "consent must cover \(missing.sorted().joined(separator: ", "))")
        }
        guard !body.noticeVersion.isEmpty, body.noticeVersion.count <= 64 else {
            throw APIError(.badRequest, "invalid_field", "notice_version must be 1-64 characters")
        }
        if record.consentAt == nil {
            let now = Date()
            record.consentAt = now
            record.consentVersion = body.noticeVersion
            try await services.recordings.updateRecording(record)
            try await services.recordings.addMilestone(MilestoneRecord(sessionId: record.sessionId, kind: .consent, at: now,
                details: ServerMessage.json(["notice_version": body.noticeVersion, "items": body.items.sorted()])))
        }
        return JSONBody(["status": "recorded", "consent_at": ISO8601DateFormatter().string(from: record.consentAt ?? Date()),
                         "notice_version": record.consentVersion ?? body.noticeVersion]).response(status: .ok)
    }

    /// What a recorded session captures, named in the consent notice.
    static let consentItems: Set<String> = ["webcam_frames", "video_chunks", "reference_photo"]

    private func requireConsent(_ record: RecordingRecord) throws {
        guard record.consentAt != nil else {
            throw APIError(.forbidden, "consent_required", "the candidate has not consented to the capture yet (POST /api/sessions/{id}/consent)")
        }
    }

    // MARK: Reference photo

    @Sendable func enrolReference(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        var record = try await authorisedRecording(request, context)
        try requireConsent(record)
        guard let pool = services.pool else { throw APIError(.serviceUnavailable, "models_unavailable", services.modelError ?? "models not loaded") }
        let bytes = try await RequestBody.collect(request, limit: recording.maxReferenceBytes)
        let configuration = services.configuration
        let check: ReferenceCheck
        do {
            check = try await pool.run { models in try ReferenceCheck.run(bytes, models: models, configuration: configuration) }
        } catch let error as VisionError {
            throw APIError(.unprocessableContent, "reference_rejected", "the photo cannot be read: \(error.message)")
        }
        if let problem = check.problem {
            return JSONBody(["type": "error", "code": "reference_rejected", "reason": problem.code, "message": problem.message, "faces": check.faces])
                .response(status: .unprocessableContent)
        }
        try services.blobs.put(BlobKeys.reference(record.sessionId), data: Data(bytes))
        record.referenceKey = BlobKeys.reference(record.sessionId)
        record.referenceEmbedding = String(decoding: try JSONEncoder().encode(check.embedding?.values ?? []), as: UTF8.self)
        try await services.recordings.updateRecording(record)
        try await services.recordings.addMilestone(MilestoneRecord(sessionId: record.sessionId, kind: .reference, at: Date(),
            details: ServerMessage.json(["face_score": check.score])))
        return JSONBody(["status": "enrolled", "faces": 1, "face_score": check.score, "brightness": check.brightness, "sharpness": check.sharpness])
            .response(status: .ok)
    }

    // MARK: Chunks

    @Sendable func uploadChunk(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        let record = try await authorisedRecording(request, context)
        guard await services.limits.chunkUploads.allow(record.sessionId) else {
            throw RateLimited(message: "too many chunk uploads for this session; retry shortly", retryAfter: 10)
        }
        try requireConsent(record)
        guard record.finalizedAt == nil else { throw APIError(.conflict, "session_finalized", "the session is finalized; no more chunks") }
        guard let index = context.parameters.get("index", as: Int.self), (0...1_000_000).contains(index) else {
            throw APIError(.badRequest, "invalid_field", "chunk index must be a number from 0")
        }
        guard let declared = request.headers[.init("X-Chunk-SHA256")!]?.lowercased(), declared.count == 64, declared.allSatisfy(\.isHexDigit) else {
            throw APIError(.badRequest, "missing_field", "X-Chunk-SHA256 header with the body's SHA-256 (hex) is required")
        }
        let existing = try await services.recordings.chunks(sessionId: record.sessionId).first { $0.index == index }
        if let existing {
            guard existing.sha256 == declared else { throw APIError(.conflict, "chunk_conflict", "chunk \(index) was already uploaded with different content") }
            // The same chunk again (a retry after a lost response): accepted once, nothing changes.
            return JSONBody(["index": index, "status": "duplicate", "sha256": declared]).response(status: .ok)
        }
        let body = try await RequestBody.collect(request, limit: recording.maxChunkBytes)
        guard !body.isEmpty else { throw APIError(.badRequest, "missing_field", "empty chunk") }
        let actual = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        guard actual == declared else { throw APIError(.badRequest, "checksum_mismatch", "the body's SHA-256 is \(actual), not the declared \(declared)") }
        // The key carries the hash, so two racing uploads of one index never overwrite each other's file.
        let key = BlobKeys.chunk(record.sessionId, index).replacingOccurrences(of: ".webm", with: "-\(actual.prefix(12)).webm")
        try services.blobs.put(key, data: Data(body))
        var chunk = ChunkRecord(sessionId: record.sessionId, index: index, sha256: actual, size: body.count, blobKey: key, status: .uploaded, uploadedAt: Date())
        // When the browser started this chunk (ms since 1970): places reconnects and the end on the video.
        if let started = request.headers[.init("X-Chunk-Started-At")!].flatMap(Double.init), started.isFinite, started > 0 {
            chunk.startedAt = Date(timeIntervalSince1970: started / 1000)
        }
        let (stored, inserted) = try await services.recordings.addChunk(chunk, at: Date())
        if !inserted {
            try? services.blobs.delete(key)
            guard stored.sha256 == actual else { throw APIError(.conflict, "chunk_conflict", "chunk \(index) was already uploaded with different content") }
            return JSONBody(["index": index, "status": "duplicate", "sha256": actual]).response(status: .ok)
        }
        return JSONBody(["index": index, "status": "stored", "sha256": actual, "size": body.count]).response(status: .created)
    }

    @Sendable func listChunks(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        let record = try await authorisedRecording(request, context, allowReviewer: true)
        let chunks = try await services.recordings.chunks(sessionId: record.sessionId)
        return JSONBody([
            "session_id": record.sessionId,
            "chunks": chunks.map { chunk -> [String: Any] in
                ["index": chunk.index, "sha256": chunk.sha256, "size": chunk.size, "status": chunk.status.rawValue,
                 "duration": chunk.duration as Any? ?? NSNull(), "error": chunk.error as Any? ?? NSNull()]
            },
            "ended": record.endRequestedAt != nil,
            "finalized": record.finalizedAt != nil,
        ]).response(status: .ok)
    }

    struct EndRequest: Decodable {
        var lastIndex: Int?
    }

    @Sendable func end(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        var record = try await authorisedRecording(request, context)
        let body = (try? await RequestBody.decode(EndRequest.self, from: request)) ?? EndRequest()
        let chunks = try await services.recordings.chunks(sessionId: record.sessionId)
        if record.endRequestedAt == nil {
            record.endRequestedAt = Date()
            try await services.recordings.addMilestone(MilestoneRecord(sessionId: record.sessionId, kind: .endRequested, at: Date()))
        }
        record.lastIndex = body.lastIndex ?? record.lastIndex ?? chunks.map(\.index).max()
        try await services.recordings.updateRecording(record)
        try await services.recordings.enqueue(JobRecord(kind: .finalize, sessionId: record.sessionId, runAfter: Date().timeIntervalSince1970, at: Date()))
        let missing = (0...max(0, record.lastIndex ?? -1)).filter { index in !chunks.contains { $0.index == index } }
        return JSONBody(["status": record.finalizedAt == nil ? "finalizing" : "finalized", "last_index": record.lastIndex ?? -1,
                         "missing_chunks": record.lastIndex == nil ? [] : missing]).response(status: .accepted)
    }

    // MARK: Review

    @Sendable func listEvents(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        try context.require(.review)
        let record = try await recordingRecord(context)
        let chunks = try await services.recordings.chunks(sessionId: record.sessionId)
        let timeline = RecordingTimeline(records: chunks, lastIndex: record.lastIndex)
        let accommodation = try await services.accounts.accommodation(candidateId: record.candidateId, examId: record.examId)
        let events = SessionReport.placed(try await services.recordings.events(sessionId: record.sessionId), on: timeline).map { event in
            SessionReport.eventJSON(event.record, start: event.start, end: event.end, sessionId: record.sessionId, accommodation: accommodation)
        }
        return JSONBody([
            "session_id": record.sessionId,
            "finalized": record.finalizedAt != nil,
            "video_duration": record.masterDuration ?? NSNull(),
            "gaps": record.gaps.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } ?? (timeline.gaps as Any),
            "events": events,
        ]).response(status: .ok)
    }

    struct ReviewRequest: Decodable {
        var decision: String?
        var note: String?
    }

    @Sendable func review(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        let caller = try context.require(.review)
        let record = try await recordingRecord(context)
        let eventId = try context.parameters.require("eid")
        let body = try await RequestBody.decode(ReviewRequest.self, from: request)
        guard var event = try await services.recordings.events(sessionId: record.sessionId).first(where: { $0.id == eventId }) else {
            throw APIError(.notFound, "not_found", "no event \(eventId)")
        }
        if let decision = body.decision {
            guard ["confirmed", "dismissed"].contains(decision) else { throw APIError(.badRequest, "invalid_field", "decision must be confirmed or dismissed") }
            event.decision = decision
        }
        if let note = body.note {
            guard note.count <= 4000 else { throw APIError(.badRequest, "invalid_field", "note is longer than 4000 characters") }
            event.note = note
        }
        event.reviewedAt = Date()
        try await services.recordings.updateEvent(event)
        await services.audit(caller, "decision", target: event.id, details: [
            "session_id": record.sessionId, "decision": body.decision ?? NSNull(), "note_changed": body.note != nil,
        ], context: context)
        return JSONBody(["id": event.id, "decision": event.decision as Any? ?? NSNull(), "note": event.note as Any? ?? NSNull()]).response(status: .ok)
    }

    @Sendable func evidence(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        try context.require(.review)
        let record = try await recordingRecord(context)
        let eventId = try context.parameters.require("eid")
        guard let event = try await services.recordings.events(sessionId: record.sessionId).first(where: { $0.id == eventId }),
              let key = event.evidenceKey, let url = try? services.blobs.localURL(key), let data = FileManager.default.contents(atPath: url.path) else {
            throw APIError(.notFound, "not_found", "no evidence for event \(eventId)")
        }
        var headers = HTTPFields()
        headers[.contentType] = "image/jpeg"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The master video, with HTTP Range support so that a player can seek.
    @Sendable func video(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        try context.require(.review)
        let record = try await recordingRecord(context)
        guard let key = record.masterKey, let size = services.blobs.size(key) else {
            throw APIError(.notFound, "not_found", "the session's video is not merged yet")
        }
        let url = try services.blobs.localURL(key)
        var headers = HTTPFields()
        headers[.contentType] = "video/webm"
        headers[.acceptRanges] = "bytes"
        let range = ByteRange.parse(request.headers[.range], size: size)
        if case .unsatisfiable = range {
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        let (start, end, status): (Int, Int, HTTPResponse.Status) = switch range {
        case .range(let lower, let upper): (lower, upper, .partialContent)
        default: (0, size - 1, .ok)
        }
        let data = try Self.read(url, from: start, through: end)
        if status == .partialContent { headers[.contentRange] = "bytes \(start)-\(start + data.count - 1)/\(size)" }
        headers[.contentLength] = "\(data.count)"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: Helpers

    private func recordingRecord(_ context: ProctorRequestContext) async throws -> RecordingRecord {
        let id = try context.parameters.require("id")
        guard let record = try await services.recordings.recording(sessionId: id) else {
            throw APIError(.notFound, "not_found", "no recorded session \(id)")
        }
        return record
    }

    /// The recording, for the candidate holding its current invitation (`Authorization: Bearer <token>`);
    /// with `allowReviewer`, staff who may review get it too.
    private func authorisedRecording(_ request: Request, _ context: ProctorRequestContext, allowReviewer: Bool = false) async throws -> RecordingRecord {
        if allowReviewer, let caller = context.caller, caller.can(.review) { return try await recordingRecord(context) }
        let caller = try context.require(.takeExam)
        let id = try context.parameters.require("id")
        // A candidate token names its session; another session's id is refused before any lookup.
        guard caller.sessionId == id else { throw APIError(.forbidden, "forbidden", "this invitation is for another session") }
        let record = try await recordingRecord(context)
        guard caller.tokenHash == record.uploadTokenHash else {
            throw APIError(.unauthorized, "invalid_token", "this invitation has been replaced by a newer one")
        }
        return record
    }

    static func read(_ url: URL, from start: Int, through end: Int) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(start))
        return [UInt8](try handle.read(upToCount: end - start + 1) ?? Data())
    }
}
