import Foundation
import Hummingbird
import HummingbirdWebSocket
import ProctorCore
import ProctorRecording
import ProctorStore

/// `GET /api/sessions`, `GET /api/sessions/{id}`, and the live-evidence alias
/// `GET /api/sessions/{id}/violations/{vid}/evidence` (the same handler as every finding's evidence).
struct SessionRoutes {
    let auditor: Auditor
    let blobs: any BlobStore
    let findings: any FindingStore
    let recordings: any RecordingStore
    let store: any SessionStore

    var evidence: FindingEvidence { FindingEvidence(store: store, findings: findings, blobs: blobs) }

    init(services: ProctorServices) {
        auditor = services.auditor
        blobs = services.blobs
        findings = services.findings
        recordings = services.recordings
        store = services.store
    }

    func register(on router: Router<ProctorRequestContext>) {
        let api = router.group("api/sessions")
        api.get { request, context in
            try context.require(.review)
            let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 100, 1), 1000)
            let offset = max(request.uri.queryParameters.get("offset", as: Int.self) ?? 0, 0)
            let sessions = try await store.listSessions(limit: limit, offset: offset)
            return SessionListResponse(sessions: sessions.map(SessionOverviewResponse.init), limit: limit, offset: offset)
        }
        api.get("{id}") { _, context in
            let caller = try context.require(.review)
            let id = try context.parameters.require("id")
            guard let overview = try await store.session(id) else { throw APIError(.notFound, .notFound, "no session \(id)") }
            let sessionId = overview.session.id
            let live = try await findings.findings(sessionId: sessionId).filter { $0.source == .live }
            let recording = try await recordings.recording(sessionId: sessionId)
            let gaps = try await recording.asyncMap { record -> [Int] in
                if let gaps = record.gaps { return gaps }
                return RecordingTimeline(records: try await recordings.chunks(sessionId: sessionId), lastIndex: record.lastIndex).gaps
            }
            await auditor.record(caller, "view_session", target: sessionId, context: context)
            return SessionDetailResponse(
                overview: SessionOverviewResponse(overview), violations: live.map { ViolationResponse($0) },
                detections: try await store.detectionCount(sessionId: sessionId),
                recording: recording.map { RecordingResponse($0, gaps: gaps ?? []) }
            )
        }
        api.get("{id}/violations/{eid}/evidence") { request, context in
            try await evidence.response(request, context: context)
        }
    }
}

/// The JPEG snapshot of any finding, from the blob store every server shares.
struct FindingEvidence {
    let store: any SessionStore
    let findings: any FindingStore
    let blobs: any BlobStore

    func response(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        try context.require(.review)
        let id = try context.parameters.require("id")
        let findingId = try context.parameters.require("eid")
        guard let overview = try await store.session(id),
            let finding = try await findings.finding(sessionId: overview.session.id, id: findingId),
            let key = finding.evidenceKey, let data = try await blobs.data(key)
        else {
            throw APIError(.notFound, .notFound, "no evidence for finding \(findingId)")
        }
        var headers = HTTPFields()
        headers[.contentType] = BlobKeys.evidenceMedia(key).contentType
        headers[.cacheControl] = "private, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
