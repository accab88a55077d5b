import Foundation
import Hummingbird
import HummingbirdWebSocket
import ProctorCore
import ProctorStore

/// `GET /api/sessions`, `GET /api/sessions/{id}`, `GET /api/sessions/{id}/violations/{vid}/evidence`.
struct SessionRoutes {
    let services: ProctorServices

    func register(on router: Router<ProctorRequestContext>) {
        let api = router.group("api/sessions")
        api.get { request, context -> Response in
            try context.require(.review)
            let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 100, 1), 1000)
            let offset = max(request.uri.queryParameters.get("offset", as: Int.self) ?? 0, 0)
            let sessions = try await services.store.listSessions(limit: limit, offset: offset)
            return JSONBody(["sessions": sessions.map(Self.overview), "limit": limit, "offset": offset]).response(status: .ok)
        }
        api.get("{id}") { _, context -> Response in
            let caller = try context.require(.review)
            let id = try context.parameters.require("id")
            guard let overview = try await services.store.session(id) else { throw HTTPError(.notFound, message: "no session \(id)") }
            let violations = try await services.store.violations(sessionId: overview.session.id)
            var object = Self.overview(overview)
            object["violations"] = violations.map(Self.violation)
            object["detections"] = try await services.store.detectionCount(sessionId: overview.session.id)
            if let recording = try await services.recordings.recording(sessionId: overview.session.id) {
                object["recording"] = [
                    "exam_id": recording.examId, "candidate_id": recording.candidateId, "chunk_seconds": recording.chunkSeconds,
                    "reference_enrolled": recording.referenceEmbedding != nil,
                    "end_requested": recording.endRequestedAt != nil, "last_index": recording.lastIndex as Any? ?? NSNull(),
                    "finalized": recording.finalizedAt != nil, "video_duration": recording.masterDuration as Any? ?? NSNull(),
                    "video_url": recording.masterKey == nil ? NSNull() : "/api/sessions/\(recording.sessionId)/video",
                    "gaps": recording.gaps.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } ?? [],
                ] as [String: Any]
            }
            await services.audit(caller, "view_session", target: overview.session.id, context: context)
            return JSONBody(object).response(status: .ok)
        }
        api.get("{id}/violations/{vid}/evidence") { _, context -> Response in
            try context.require(.review)
            let id = try context.parameters.require("id")
            let violationId = try context.parameters.require("vid")
            guard let overview = try await services.store.session(id),
                  let violation = try await services.store.violation(sessionId: overview.session.id, violationId: violationId),
                  let path = violation.evidencePath,
                  let data = services.evidence.load(relativePath: path) else {
                throw HTTPError(.notFound, message: "no evidence for violation \(violationId)")
            }
            var headers = HTTPFields()
            headers[.contentType] = "image/jpeg"
            headers[.cacheControl] = "private, max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    static var formatter: ISO8601DateFormatter { ISO8601DateFormatter() }

    static func overview(_ overview: SessionOverview) -> [String: Any] {
        let session = overview.session
        var object: [String: Any] = [
            "id": session.id, "session_id": session.externalId, "status": session.status.rawValue,
            "started_at": formatter.string(from: session.startedAt),
            "ended_at": session.endedAt.map { formatter.string(from: $0) } ?? NSNull(),
        ]
        if let summary = overview.summary {
            object["summary"] = [
                "total_frames": summary.totalFrames, "processed_frames": summary.processedFrames, "skipped_frames": summary.skippedFrames,
                "dropped_frames": summary.droppedFrames, "violation_count": summary.violationCount,
                "violation_breakdown": (try? JSONSerialization.jsonObject(with: Data(summary.violationBreakdown.utf8))) ?? [:],
                "max_risk": summary.maxRisk, "average_risk": summary.averageRisk, "highest_alert": summary.highestAlert,
                "duration": summary.duration, "updated_at": formatter.string(from: summary.updatedAt),
            ] as [String: Any]
        } else {
            object["summary"] = NSNull()
        }
        return object
    }

    static func violation(_ violation: ViolationRecord) -> [String: Any] {
        [
            "id": violation.id, "type": violation.type, "severity": violation.severity,
            "start": violation.startTime, "end": violation.endTime, "duration": violation.duration,
            "peak_confidence": violation.peakConfidence, "frames": violation.frames,
            "evidence_url": violation.evidencePath == nil ? NSNull() : "/api/sessions/\(violation.sessionId)/violations/\(violation.id)/evidence",
            "reviewed": violation.reviewed, "decision": violation.decision ?? NSNull(), "reviewer_notes": violation.reviewerNotes ?? NSNull(),
        ]
    }
}
