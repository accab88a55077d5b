import Foundation
import Hummingbird
import ProctorCore
import ProctorStore

/// `PATCH /api/sessions/{id}/incidents/{iid}`: one decision (and note) for every finding of an
/// incident at once, e.g. "three strangers in view" confirmed as a whole; each finding can still be
/// decided on its own through `PATCH …/events/{eid}`.
extension RecordingRoutes {
    @Sendable func decideIncident(_ request: Request, context: ProctorRequestContext) async throws -> IncidentDecisionResponse {
        let caller = try context.require(.review)
        let id = try context.parameters.require("id")
        let incidentId = try context.parameters.require("iid")
        let body = try await RequestBody.decode(ReviewRequest.self, from: request)
        if let note = body.note, note.count > 4000 { throw APIError(.badRequest, .invalidField, "note is longer than 4000 characters") }
        guard let sessionId = try await store.session(id)?.session.id else { throw APIError(.notFound, .notFound, "no session \(id)") }
        let record = try await recordings.recording(sessionId: sessionId)
        let chunks = record == nil ? [] : try await recordings.chunks(sessionId: sessionId)
        let timeline = record.map { RecordingTimeline(records: chunks, lastIndex: $0.lastIndex) }
        let placed = PlacedFinding.place(try await findings.findings(sessionId: sessionId), on: timeline, chunkStarts: ChunkRecord.startTimes(chunks))
        guard let incident = FindingIncidents(placed).incidents.first(where: { $0.id == incidentId }) else {
            throw APIError(.notFound, .notFound, "no incident \(incidentId)")
        }
        let now = Date()
        var decided: [DecisionResponse] = []
        for var finding in incident.findings.map(\.finding) {
            if let decision = body.decision { finding.decision = decision }
            if let note = body.note { finding.note = note }
            finding.reviewer = caller.name
            finding.reviewedAt = now
            try await findings.updateFinding(finding)
            decided.append(
                DecisionResponse(id: finding.id, decision: finding.decision, note: finding.note, reviewer: finding.reviewer, reviewedAt: finding.reviewedAt))
        }
        await auditor.record(
            caller, "decision", target: incidentId,
            details: [
                "session_id": .string(sessionId), "decision": JSONValue(body.decision?.rawValue), "note_changed": .bool(body.note != nil),
                "findings": .string(decided.map(\.id).joined(separator: ",")),
            ], context: context)
        return IncidentDecisionResponse(id: incidentId, findings: decided)
    }
}
