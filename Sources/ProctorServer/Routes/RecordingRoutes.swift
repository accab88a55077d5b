import Crypto
import Foundation
import Hummingbird
import HummingbirdWebSocket
import ProctorCore
import ProctorPipeline
import ProctorRecording
import ProctorStore
import ProctorVision

/// The recorded-session API: create, enrol a reference photo, upload chunks, end; then review
/// events, their evidence and the merged video.
struct RecordingRoutes {
    let accounts: any AccountStore
    let auditor: Auditor
    let blobs: any BlobStore
    let configuration: ProctorConfiguration
    let findings: any FindingStore
    let limits: ProctorServices.Limits
    let modelError: String?
    let pool: VisionWorkerPool?
    let recordings: any RecordingStore
    let signer: TokenSigner
    let store: any SessionStore

    init(services: ProctorServices) {
        accounts = services.accounts
        auditor = services.auditor
        blobs = services.blobs
        configuration = services.configuration
        findings = services.findings
        limits = services.limits
        modelError = services.modelError
        pool = services.pool
        recordings = services.recordings
        signer = services.signer
        store = services.store
    }

    func register(on router: Router<ProctorRequestContext>) {
        let api = router.group("api/sessions")
        api.post(use: create)
        api.post("{id}/invitation", use: reissueInvitation)
        api.get("{id}/candidate", use: candidate)
        api.post("{id}/consent", use: consent)
        api.post("{id}/reference", use: enrolReference)
        api.post("{id}/calibration", use: calibrate)
        api.put("{id}/chunks/{index}", use: uploadChunk)
        api.get("{id}/chunks", use: listChunks)
        api.post("{id}/end", use: end)
        api.get("{id}/events", use: listEvents)
        api.patch("{id}/events/{eid}", use: review)
        api.patch("{id}/incidents/{iid}", use: decideIncident)
        api.get("{id}/events/{eid}/evidence", use: evidence)
        api.get("{id}/video", use: video)
    }

    private var recording: RecordingConfiguration { configuration.recording }

    // MARK: Create

    struct CreateRequest: Decodable {
        var examId: String
        var candidateId: String
        var chunkSeconds: Double?
        /// The exam's audio policy; the configuration's `audio.default_policy` when absent.
        var audio: AudioPolicy?
    }

    @Sendable func create(_ request: Request, context: ProctorRequestContext) async throws -> Answer<CreatedSessionResponse> {
        let caller = try context.require(.manageExams)
        let body = try await RequestBody.decode(CreateRequest.self, from: request)
        for (name, value) in [("exam_id", body.examId), ("candidate_id", body.candidateId)] where value.isEmpty || value.count > 128 {
            throw APIError(.badRequest, .invalidField, "\(name) must be 1-128 characters")
        }
        let chunkSeconds = body.chunkSeconds ?? recording.chunkSeconds
        guard chunkSeconds.isFinite, chunkSeconds >= 1, chunkSeconds <= 600 else { throw APIError(.badRequest, .invalidField, "chunk_seconds must be 1-600") }
        let id = UUID().uuidString.lowercased()
        let (token, expires) = try invitation(for: id)
        let metadata = ["kind": "recorded", "exam_id": body.examId, "candidate_id": body.candidateId]
        let session = SessionRecord(id: id, externalId: id, startedAt: Date(), endedAt: nil, status: .active, metadata: metadata)
        var record = RecordingRecord(
            sessionId: id, examId: body.examId, candidateId: body.candidateId, chunkSeconds: chunkSeconds, uploadTokenHash: TokenSigner.fingerprint(token))
        record.audioPolicy = body.audio ?? configuration.audio.defaultPolicy
        try await recordings.createRecording(record, session: session)
        await auditor.record(
            caller, "invitation_created", target: id,
            details: ["exam_id": .string(body.examId), "candidate_id": .string(body.candidateId), "audio": .string(record.audioPolicy.rawValue)],
            context: context)
        return Answer(
            .created,
            CreatedSessionResponse(
                id: id, uploadToken: token, chunkSeconds: chunkSeconds, examId: body.examId, candidateId: body.candidateId, audio: record.audioPolicy,
                chunkUploadUrl: "/api/sessions/\(id)/chunks/{index}", invitationUrl: "/exam/\(id)?token=\(token)", invitationExpiresAt: expires
            ))
    }

    /// A new invitation link for the session; the previous link stops working.
    @Sendable func reissueInvitation(_ request: Request, context: ProctorRequestContext) async throws -> InvitationResponse {
        let caller = try context.require(.manageExams)
        var record = try await recordingRecord(context)
        guard record.endRequestedAt == nil else { throw APIError(.conflict, .sessionEnded, "the session has ended") }
        let (token, expires) = try invitation(for: record.sessionId)
        record.uploadTokenHash = TokenSigner.fingerprint(token)
        try await recordings.updateRecording(record)
        await auditor.record(caller, "invitation_reissued", target: record.sessionId, context: context)
        return InvitationResponse(
            id: record.sessionId, uploadToken: token, invitationUrl: "/exam/\(record.sessionId)?token=\(token)",
            invitationExpiresAt: expires)
    }

    /// A signed candidate token for one session, expiring after `auth.invitation_hours`. Its hash is
    /// stored with the session, so only the latest invitation works.
    private func invitation(for sessionId: String) throws -> (String, Date) {
        let now = Date()
        let expires = now.addingTimeInterval(configuration.auth.invitationHours * 3600)
        let token = AccessToken(
            sub: sessionId, role: .candidate, iat: now.timeIntervalSince1970, exp: expires.timeIntervalSince1970,
            jti: TokenSigner.newIdentifier(), sid: sessionId, name: nil)
        return (try signer.sign(token), expires)
    }

    // MARK: Candidate page

    /// What the candidate page needs to resume at the right step, and the retention it must disclose.
    @Sendable func candidate(_ request: Request, context: ProctorRequestContext) async throws -> CandidateResponse {
        let record = try await authorisedRecording(request, context)
        let privacy = configuration.privacy
        return CandidateResponse(
            sessionId: record.sessionId, examId: record.examId, candidateId: record.candidateId, chunkSeconds: record.chunkSeconds,
            consentAt: record.consentAt, referenceEnrolled: record.referenceEmbedding != nil, endRequested: record.endRequestedAt != nil,
            finalized: record.finalizedAt != nil, audio: record.audioPolicy,
            retention: .init(videoDays: privacy.videoDays, evidenceDays: privacy.evidenceDays, faceDataDays: privacy.faceDataDays)
        )
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
    @Sendable func consent(_ request: Request, context: ProctorRequestContext) async throws -> ConsentResponse {
        var record = try await authorisedRecording(request, context)
        let body = try await RequestBody.decode(ConsentRequest.self, from: request)
        let missing = Self.consentItems(for: record.audioPolicy).subtracting(body.items)
        guard missing.isEmpty else {
            throw APIError(.badRequest, .consentIncomplete, "consent must cover \(missing.sorted().joined(separator: ", "))")
        }
        guard !body.noticeVersion.isEmpty, body.noticeVersion.count <= 64 else {
            throw APIError(.badRequest, .invalidField, "notice_version must be 1-64 characters")
        }
        if record.consentAt == nil {
            let now = Date()
            record.consentAt = now
            record.consentVersion = body.noticeVersion
            try await recordings.updateRecording(record)
            try await recordings.addMilestone(
                MilestoneRecord(
                    sessionId: record.sessionId, kind: .consent, at: now,
                    details: MilestoneDetails(noticeVersion: body.noticeVersion, items: body.items.sorted())))
        }
        return ConsentResponse(consentAt: record.consentAt ?? Date(), noticeVersion: record.consentVersion ?? body.noticeVersion)
    }

    /// The chunk indices a session may use (a day of 0.1 s chunks fits; nothing iterates beyond).
    static let chunkIndices = 0...1_000_000

    /// What a recorded session captures, named in the consent notice.
    static let consentItems: Set<String> = ["webcam_frames", "video_chunks", "reference_photo"]

    /// What consent must cover: the microphone too when the exam records sound.
    static func consentItems(for audio: AudioPolicy) -> Set<String> {
        audio.capturesAudio ? consentItems.union(["microphone"]) : consentItems
    }

    func requireConsent(_ record: RecordingRecord) throws {
        guard record.consentAt != nil else {
            throw APIError(.forbidden, .consentRequired, "the candidate has not consented to the capture yet (POST /api/sessions/{id}/consent)")
        }
    }

    // MARK: Reference photo

    @Sendable func enrolReference(_ request: Request, context: ProctorRequestContext) async throws -> ReferenceResponse {
        var record = try await authorisedRecording(request, context)
        try requireConsent(record)
        guard let pool = pool else { throw APIError(.serviceUnavailable, .modelsUnavailable, modelError ?? "models not loaded") }
        let bytes = try await RequestBody.collect(request, limit: recording.maxReferenceBytes)
        let configuration = configuration
        let check: ReferenceCheck
        do {
            check = try await pool.run { models in try ReferenceCheck.run(bytes, models: models, configuration: configuration) }
        } catch let error as VisionError {
            throw APIError(.unprocessableContent, .referenceRejected, "the photo cannot be read: \(error.message)")
        }
        if let problem = check.problem {
            throw APIError(.unprocessableContent, body: ErrorBody(code: .referenceRejected, message: problem.message, reason: problem.code, faces: check.faces))
        }
        try await blobs.write(BlobKeys.reference(record.sessionId), data: Data(bytes))
        record.referenceKey = BlobKeys.reference(record.sessionId)
        record.referenceEmbedding = check.embedding?.values ?? []
        try await recordings.updateRecording(record)
        try await recordings.addMilestone(
            MilestoneRecord(
                sessionId: record.sessionId, kind: .reference, at: Date(),
                details: MilestoneDetails(faceScore: check.score)))
        return ReferenceResponse(faces: 1, faceScore: check.score, brightness: check.brightness, sharpness: check.sharpness)
    }

    // MARK: Chunks

    @Sendable func uploadChunk(_ request: Request, context: ProctorRequestContext) async throws -> Answer<ChunkStoredResponse> {
        let record = try await authorisedRecording(request, context)
        guard await limits.chunkUploads.allow(record.sessionId) else {
            throw APIError.rateLimited("too many chunk uploads for this session; retry shortly", retryAfter: 10)
        }
        try requireConsent(record)
        guard record.finalizedAt == nil else { throw APIError(.conflict, .sessionFinalized, "the session is finalized; no more chunks") }
        guard let index = context.parameters.get("index", as: Int.self), Self.chunkIndices.contains(index) else {
            throw APIError(.badRequest, .invalidField, "chunk index must be a number from 0")
        }
        guard let declared = request.headers[.init("X-Chunk-SHA256")!]?.lowercased(), declared.count == 64, declared.allSatisfy(\.isHexDigit) else {
            throw APIError(.badRequest, .missingField, "X-Chunk-SHA256 header with the body's SHA-256 (hex) is required")
        }
        let existing = try await recordings.chunks(sessionId: record.sessionId).first { $0.index == index }
        if let existing {
            guard existing.sha256 == declared else { throw APIError(.conflict, .chunkConflict, "chunk \(index) was already uploaded with different content") }
            // The same chunk again (a retry after a lost response): accepted once, nothing changes.
            return Answer(.ok, ChunkStoredResponse(index: index, status: "duplicate", sha256: declared, size: existing.size))
        }
        let body = try await RequestBody.collect(request, limit: recording.maxChunkBytes)
        guard !body.isEmpty else { throw APIError(.badRequest, .missingField, "empty chunk") }
        let actual = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        guard actual == declared else { throw APIError(.badRequest, .checksumMismatch, "the body's SHA-256 is \(actual), not the declared \(declared)") }
        // The key carries the hash, so two racing uploads of one index never overwrite each other's file.
        let key = BlobKeys.chunk(record.sessionId, index).replacingOccurrences(of: ".webm", with: "-\(actual.prefix(12)).webm")
        try await blobs.write(key, data: Data(body))
        var chunk = ChunkRecord(
            sessionId: record.sessionId, index: index, sha256: actual, size: body.count, blobKey: key, status: .uploaded, uploadedAt: Date())
        // When the browser started this chunk (ms since 1970): places reconnects and the end on the video.
        if let started = request.headers[.init("X-Chunk-Started-At")!].flatMap(Double.init), started.isFinite, started > 0 {
            chunk.startedAt = Date(timeIntervalSince1970: started / 1000)
        }
        let (stored, inserted) = try await recordings.addChunk(chunk, at: Date())
        if !inserted {
            try? await blobs.delete(key)
            guard stored.sha256 == actual else { throw APIError(.conflict, .chunkConflict, "chunk \(index) was already uploaded with different content") }
            return Answer(.ok, ChunkStoredResponse(index: index, status: "duplicate", sha256: actual, size: stored.size))
        }
        return Answer(.created, ChunkStoredResponse(index: index, status: "stored", sha256: actual, size: body.count))
    }

    @Sendable func listChunks(_ request: Request, context: ProctorRequestContext) async throws -> ChunkListResponse {
        let record = try await authorisedRecording(request, context, allowReviewer: true)
        let chunks = try await recordings.chunks(sessionId: record.sessionId)
        return ChunkListResponse(
            sessionId: record.sessionId, chunks: chunks.map(ChunkListResponse.Chunk.init),
            ended: record.endRequestedAt != nil, finalized: record.finalizedAt != nil)
    }

    struct EndRequest: Decodable {
        var lastIndex: Int?
    }

    @Sendable func end(_ request: Request, context: ProctorRequestContext) async throws -> Answer<EndResponse> {
        var record = try await authorisedRecording(request, context)
        // An empty body is fine (the server knows the chunks); a body that is not the expected JSON is an error.
        let bytes = try await RequestBody.collect(request, limit: RequestBody.jsonLimit)
        let body =
            bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 })
            ? EndRequest()
            : try RequestBody.decode(EndRequest.self, from: bytes)
        if let last = body.lastIndex, !Self.chunkIndices.contains(last) {
            throw APIError(.badRequest, .invalidField, "last_index must be a chunk index from 0 to \(Self.chunkIndices.upperBound)")
        }
        let chunks = try await recordings.chunks(sessionId: record.sessionId)
        if record.endRequestedAt == nil {
            record.endRequestedAt = Date()
            try await recordings.addMilestone(MilestoneRecord(sessionId: record.sessionId, kind: .endRequested, at: Date()))
        }
        record.lastIndex = body.lastIndex ?? record.lastIndex ?? chunks.map(\.index).max()
        try await recordings.updateRecording(record)
        try await recordings.enqueue(JobRecord(kind: .finalize, sessionId: record.sessionId, runAfter: Date().timeIntervalSince1970, at: Date()))
        let stored = Set(chunks.map(\.index))
        let missing = (0...max(0, record.lastIndex ?? -1)).filter { !stored.contains($0) }
        return Answer(
            .accepted,
            EndResponse(
                status: record.finalizedAt == nil ? "finalizing" : "finalized", lastIndex: record.lastIndex ?? -1,
                missingChunks: record.lastIndex == nil ? [] : missing))
    }

    // MARK: Review

    /// Every finding of the session, whatever its source (a live-only session too); recorded and
    /// browser ones placed on the video.
    @Sendable func listEvents(_ request: Request, context: ProctorRequestContext) async throws -> FindingListResponse {
        try context.require(.review)
        let id = try context.parameters.require("id")
        guard let sessionId = try await store.session(id)?.session.id else { throw APIError(.notFound, .notFound, "no session \(id)") }
        let (record, timeline, findings) = try await placedFindings(sessionId: sessionId)
        let accommodation = try await record.asyncMap { try await accounts.accommodation(candidateId: $0.candidateId, examId: $0.examId) } ?? nil
        let incidents = FindingIncidents(findings)
        return FindingListResponse(
            sessionId: sessionId, finalized: record?.finalizedAt != nil, videoDuration: record?.masterDuration,
            gaps: record?.gaps ?? timeline?.gaps ?? [],
            events: findings.map { FindingResponse($0, accommodation: accommodation, incidentId: incidents.incidentOf[$0.finding.id]) },
            incidents: incidents.incidents.map(IncidentResponse.init))
    }

    /// The session's recording (nil for a live-only one), its timeline so far, and every finding
    /// placed on it: what the findings list and an incident's decision both read.
    func placedFindings(sessionId: String) async throws -> (record: RecordingRecord?, timeline: RecordingTimeline?, findings: [PlacedFinding]) {
        let record = try await recordings.recording(sessionId: sessionId)
        let chunks = record == nil ? [] : try await recordings.chunks(sessionId: sessionId)
        let timeline = record.map { RecordingTimeline(records: chunks, lastIndex: $0.lastIndex) }
        let placed = PlacedFinding.place(try await findings.findings(sessionId: sessionId), on: timeline, chunkStarts: ChunkRecord.startTimes(chunks))
        return (record, timeline, placed)
    }

    struct ReviewRequest: Decodable {
        var decision: FindingDecision?
        var note: String?

        /// A note longer than this is refused.
        static let maximumNoteLength = 4000

        func validate() throws {
            if let note, note.count > Self.maximumNoteLength {
                throw APIError(.badRequest, .invalidField, "note is longer than \(Self.maximumNoteLength) characters")
            }
        }

        /// The decision and note, as given, on `finding`, by `reviewer` at `date`.
        func apply(to finding: inout FindingRecord, reviewer: String, at date: Date) {
            if let decision { finding.decision = decision }
            if let note { finding.note = note }
            finding.reviewer = reviewer
            finding.reviewedAt = date
        }
    }

    /// A reviewer's decision and note on one finding; either may come alone, and a note sent with a
    /// decision is kept with it.
    @Sendable func review(_ request: Request, context: ProctorRequestContext) async throws -> DecisionResponse {
        let caller = try context.require(.review)
        let id = try context.parameters.require("id")
        let findingId = try context.parameters.require("eid")
        let body = try await RequestBody.decode(ReviewRequest.self, from: request)
        guard let overview = try await store.session(id),
            var finding = try await findings.finding(sessionId: overview.session.id, id: findingId)
        else {
            throw APIError(.notFound, .notFound, "no event \(findingId)")
        }
        try body.validate()
        body.apply(to: &finding, reviewer: caller.name, at: Date())
        try await findings.updateFinding(finding)
        await auditor.record(
            caller, "decision", target: finding.id,
            details: [
                "session_id": .string(finding.sessionId), "decision": JSONValue(body.decision?.rawValue), "note_changed": .bool(body.note != nil),
            ], context: context)
        return DecisionResponse(id: finding.id, decision: finding.decision, note: finding.note, reviewer: finding.reviewer, reviewedAt: finding.reviewedAt)
    }

    @Sendable func evidence(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        try await FindingEvidence(store: store, findings: findings, blobs: blobs).response(request, context: context)
    }

    /// The master video, streamed from the blob store with HTTP Range support so that a player can
    /// seek; or, when the store presigns reads (`storage.s3.presign_video`), a redirect to the
    /// bucket, so the bytes do not pass through this server.
    @Sendable func video(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        try context.require(.review)
        let record = try await recordingRecord(context)
        if let key = record.masterKey, let url = try await blobs.presignedReadURL(key, expiresIn: configuration.storage.s3.presignSeconds) {
            var headers = HTTPFields()
            headers[.location] = url.absoluteString
            // The URL expires; a cached redirect would outlive it.
            headers[.cacheControl] = "no-store"
            return Response(status: .temporaryRedirect, headers: headers)
        }
        guard let key = record.masterKey, let size = await blobs.size(key) else {
            throw APIError(.notFound, .notFound, "the session's video is not merged yet")
        }
        var headers = HTTPFields()
        headers[.contentType] = "video/webm"
        headers[.acceptRanges] = "bytes"
        let range = ByteRange.parse(request.headers[.range], size: size)
        if case .unsatisfiable = range {
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        let (start, end, status): (Int, Int, HTTPResponse.Status) =
            switch range {
            case .range(let lower, let upper): (lower, upper, .partialContent)
            default: (0, size - 1, .ok)
            }
        if status == .partialContent { headers[.contentRange] = "bytes \(start)-\(end)/\(size)" }
        headers[.contentLength] = "\(end - start + 1)"
        let blobs = blobs
        return Response(
            status: status, headers: headers,
            body: ResponseBody(contentLength: end - start + 1) { writer in
                try await blobs.read(key, range: start...end) { piece in try await writer.write(piece) }
                try await writer.finish(nil)
            })
    }

    // MARK: Helpers

    private func recordingRecord(_ context: ProctorRequestContext) async throws -> RecordingRecord {
        let id = try context.parameters.require("id")
        guard let record = try await recordings.recording(sessionId: id) else {
            throw APIError(.notFound, .notFound, "no recorded session \(id)")
        }
        return record
    }

    /// The recording, for the candidate holding its current invitation (`Authorization: Bearer <token>`);
    /// with `allowReviewer`, staff who may review get it too.
    func authorisedRecording(_ request: Request, _ context: ProctorRequestContext, allowReviewer: Bool = false) async throws -> RecordingRecord {
        if allowReviewer, let caller = context.caller, caller.can(.review) { return try await recordingRecord(context) }
        let caller = try context.require(.takeExam)
        let id = try context.parameters.require("id")
        // A candidate token names its session; another session's id is refused before any lookup.
        guard caller.sessionId == id else { throw APIError(.forbidden, .forbidden, "this invitation is for another session") }
        let record = try await recordingRecord(context)
        guard caller.tokenHash == record.uploadTokenHash else {
            throw APIError(.unauthorized, .invalidToken, "this invitation has been replaced by a newer one")
        }
        return record
    }
}
