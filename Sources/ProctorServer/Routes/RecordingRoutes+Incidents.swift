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
        try body.validate()
        guard let sessionId = try await store.session(id)?.session.id else { throw APIError(.notFound, .notFound, "no session \(id)") }
        let placed = try await placedFindings(sessionId: sessionId).findings
        guard let incident = FindingIncidents(placed).incidents.first(where: { $0.id == incidentId }) else {
            throw APIError(.notFound, .notFound, "no incident \(incidentId)")
        }
        let now = Date()
        var decided: [DecisionResponse] = []
        for var finding in incident.findings.map(\.finding) {
            body.apply(to: &finding, reviewer: caller.name, at: now)
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
