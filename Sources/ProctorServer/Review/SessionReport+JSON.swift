import Foundation
import ProctorCore
import ProctorStore

extension SessionReport {
    var sessionId: String { overview.session.id }

    /// The review page's data and the JSON export.
    func json() -> [String: Any] {
        let formatter = ISO8601DateFormatter()
        var object = SessionRoutes.overview(overview)
        object["priority"] = priority.score
        object["reviewed"] = overview.session.reviewedAt != nil
        object["reviewed_at"] = overview.session.reviewedAt.map { formatter.string(from: $0) } ?? NSNull()
        if let recording {
            object["recording"] = [
                "exam_id": recording.examId, "candidate_id": recording.candidateId, "chunk_seconds": recording.chunkSeconds,
                "consent_at": recording.consentAt.map { formatter.string(from: $0) } ?? NSNull(),
                "consent_version": recording.consentVersion ?? NSNull(),
                "reference_enrolled": recording.referenceEmbedding != nil,
                "end_requested": recording.endRequestedAt != nil, "last_index": recording.lastIndex ?? NSNull(),
                "finalized": recording.finalizedAt != nil, "video_duration": recording.masterDuration ?? NSNull(),
                "video_url": recording.masterKey == nil ? NSNull() : "/api/sessions/\(sessionId)/video",
                "gaps": timeline?.gaps ?? [],
            ] as [String: Any]
        } else {
            object["recording"] = NSNull()
        }
        object["events"] = events.map { event in eventJSON(event.record, start: event.start, end: event.end) }
        object["milestones"] = milestones.map { milestone -> [String: Any] in
            [
                "id": milestone.record.id ?? 0, "kind": milestone.record.kind.rawValue, "at": formatter.string(from: milestone.record.at),
                "video_time": milestone.videoTime ?? NSNull(),
                "details": (try? JSONSerialization.jsonObject(with: Data(milestone.record.details.utf8))) ?? [:],
            ]
        }
        object["violations"] = violations.map(SessionRoutes.violation)
        object["accommodation"] = accommodation.map(AdminRoutes.accommodation) ?? NSNull()
        object["figures"] = figures()
        return object
    }

    func eventJSON(_ event: EventRecord, start: Double?, end: Double?) -> [String: Any] {
        Self.eventJSON(event, start: start, end: end, sessionId: sessionId, accommodation: accommodation)
    }

    /// One finding as the API shows it (review data, JSON export, `GET …/events`).
    static func eventJSON(_ event: EventRecord, start: Double?, end: Double?, sessionId: String, accommodation: Accommodation?) -> [String: Any] {
        let kind = ViolationKind(rawValue: event.type)
        return [
            "id": event.id, "type": event.type, "label": kind?.title ?? event.type,
            "start": start ?? NSNull(), "end": end ?? NSNull(),
            "chunk_index": event.chunkIndex, "chunk_offset": event.startOffset, "confidence": event.peakConfidence,
            "details": (try? JSONSerialization.jsonObject(with: Data(event.details.utf8))) ?? [:],
            "evidence_url": event.evidenceKey == nil ? NSNull() : "/api/sessions/\(sessionId)/events/\(event.id)/evidence",
            "decision": event.decision ?? NSNull(), "note": event.note ?? NSNull(),
            // The accommodation's weight for this finding (1 = unchanged, 0 = switched off for this candidate).
            "accommodation_scale": accommodation?.scales[event.type] ?? 1,
            "reviewed_at": event.reviewedAt.map { ISO8601DateFormatter().string(from: $0) } ?? NSNull(),
        ]
    }

    /// Per-stage processing figures: live frames and latency, recorded chunks.
    func figures() -> [String: Any] {
        let summary = overview.summary
        var chunkCounts: [String: Int] = [:]
        for chunk in chunks { chunkCounts[chunk.status.rawValue, default: 0] += 1 }
        return [
            "live": [
                "frames_received": summary?.totalFrames ?? 0, "frames_processed": summary?.processedFrames ?? 0,
                "frames_skipped": summary?.skippedFrames ?? 0, "frames_dropped": summary?.droppedFrames ?? 0,
                "analyses_stored": detections,
                "latency_ms": latency.map { ["p50": $0.p50, "p95": $0.p95, "max": $0.max] } ?? NSNull(),
            ] as [String: Any],
            "recording": [
                "chunks": chunks.count, "by_status": chunkCounts,
                "video_seconds": timeline?.totalDuration ?? 0,
            ] as [String: Any],
        ]
    }
}
