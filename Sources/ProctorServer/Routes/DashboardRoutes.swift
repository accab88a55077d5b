import Foundation
import Hummingbird
import HummingbirdWebSocket
import ProctorCore
import ProctorStore

/// What the proctor dashboard reads and writes: sessions ranked for review, one session's review
/// data, the reviewed marker, and report exports.
struct DashboardRoutes {
    let services: ProctorServices
    /// How many of the most recent sessions are ranked per request (ranking reads each one's findings);
    /// older ones stay reachable through `GET /api/sessions?offset=` and their review pages.
    static let rankedSessionLimit = 500

    func register(on router: Router<ProctorRequestContext>) {
        router.get("api/dashboard/sessions", use: rankedSessions)
        let api = router.group("api/sessions")
        api.get("{id}/review", use: review)
        api.patch("{id}", use: markReviewed)
        api.get("{id}/report", use: report)
    }

    /// Sessions in review order (unreviewed first, then by priority), with `status`, `reviewed` and `q` filters.
    @Sendable func rankedSessions(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        try context.require(.review)
        let query = request.uri.queryParameters
        let status = query.get("status") ?? "all"
        guard ["all", "active", "completed"].contains(status) else { throw APIError(.badRequest, "invalid_field", "status must be all, active or completed") }
        let reviewedFilter = query.get("reviewed")
        let search = (query.get("q") ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let sessions = try await services.store.listSessions(limit: Self.rankedSessionLimit, offset: 0)
        let ids = sessions.map(\.session.id)
        let recordings = Dictionary(try await services.recordings.recordings(sessionIds: ids).map { ($0.sessionId, $0) }, uniquingKeysWith: { a, _ in a })
        let counts = try await services.recordings.openEventCounts(sessionIds: ids)
        // Connected to any server (the local registry covers the second before its first publication).
        let presence = try await services.livePresence.presence(updatedSince: Date().addingTimeInterval(-LiveFeedRoutes.presenceSeconds))
        let live = Set(presence.map(\.serverSessionId)).union(await services.registry.all.map(\.serverSessionId))
        let weights = services.configuration.pipeline.risk
        let profiles = try await services.accounts.accommodations()
        var rows: [(ReviewPriority, [String: Any])] = []
        for overview in sessions {
            let session = overview.session
            let recording = recordings[session.id]
            let isLive = live.contains(session.id)
            let isActive = isLive || (session.status == .active && recording?.endRequestedAt == nil)
            if status == "active", !isActive { continue }
            if status == "completed", isActive { continue }
            let reviewed = session.reviewedAt != nil
            if reviewedFilter == "yes", !reviewed { continue }
            if reviewedFilter == "no", reviewed { continue }
            if !search.isEmpty {
                let haystack = [session.externalId, recording?.candidateId ?? "", recording?.examId ?? ""].joined(separator: " ").lowercased()
                if !haystack.contains(search) { continue }
            }
            let eventCounts = counts[session.id] ?? [:]
            let liveCounts = overview.summary.flatMap { try? JSONDecoder().decode([String: Int].self, from: Data($0.violationBreakdown.utf8)) } ?? [:]
            let profile = recording.flatMap { recording in
                profiles.first { $0.candidateId == recording.candidateId && $0.examId == recording.examId }
                    ?? profiles.first { $0.candidateId == recording.candidateId && $0.examId == nil }
            }
            let priority = ReviewPriority.compute(maxLiveRisk: overview.summary?.maxRisk ?? 0, eventCounts: eventCounts, reviewed: reviewed,
                                                  weights: weights, scale: profile?.scales ?? [:])
            var row = SessionRoutes.overview(overview)
            row["candidate_id"] = recording?.candidateId ?? NSNull()
            row["exam_id"] = recording?.examId ?? NSNull()
            row["live"] = isLive
            row["active"] = isActive
            row["recorded"] = recording != nil
            row["finalized"] = recording?.finalizedAt != nil
            row["reviewed"] = reviewed
            row["priority"] = priority.score
            row["alert_level"] = overview.summary?.highestAlert ?? AlertLevel.none.rawValue
            row["accommodated"] = profile != nil
            row["event_counts"] = recording == nil ? liveCounts : eventCounts
            row["duration"] = recording?.masterDuration ?? overview.summary?.duration ?? (session.endedAt ?? Date()).timeIntervalSince(session.startedAt)
            rows.append((priority, row))
        }
        rows.sort { $0.0 < $1.0 }
        return JSONBody(["sessions": rows.map(\.1), "count": rows.count]).response(status: .ok)
    }

    @Sendable func review(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        let caller = try context.require(.review)
        let report = try await report(context)
        await services.audit(caller, "view_session", target: report.sessionId, context: context)
        return JSONBody(report.json()).response(status: .ok)
    }

    struct MarkRequest: Decodable {
        var reviewed: Bool
    }

    @Sendable func markReviewed(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        let caller = try context.require(.review)
        let body = try await RequestBody.decode(MarkRequest.self, from: request)
        let id = try context.parameters.require("id")
        guard let overview = try await services.store.session(id) else { throw APIError(.notFound, "not_found", "no session \(id)") }
        let date = body.reviewed ? Date() : nil
        try await services.store.setReviewed(sessionId: overview.session.id, at: date)
        await services.audit(caller, body.reviewed ? "session_reviewed" : "session_unreviewed", target: overview.session.id, context: context)
        return JSONBody(["id": overview.session.id, "reviewed": body.reviewed,
                         "reviewed_at": date.map { ISO8601DateFormatter().string(from: $0) } ?? NSNull()]).response(status: .ok)
    }

    /// `?format=json` (default) or `csv`, as a download.
    @Sendable func report(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        let caller = try context.require(.review)
        let report = try await report(context)
        let format = request.uri.queryParameters.get("format") ?? "json"
        var headers = HTTPFields()
        let body: String
        switch format {
        case "json":
            headers[.contentType] = "application/json; charset=utf-8"
            var object = report.json()
            object["generated_at"] = ISO8601DateFormatter().string(from: Date())
            body = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        case "csv":
            headers[.contentType] = "text/csv; charset=utf-8"
            body = report.csv()
        default:
            throw APIError(.badRequest, "invalid_field", "format must be json or csv")
        }
        headers[.contentDisposition] = "attachment; filename=\"session-\(report.sessionId).\(format)\""
        await services.audit(caller, "export", target: report.sessionId, details: ["format": format], context: context)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private func report(_ context: ProctorRequestContext) async throws -> SessionReport {
        let id = try context.parameters.require("id")
        guard let report = try await SessionReport.load(id, services: services) else { throw APIError(.notFound, "not_found", "no session \(id)") }
        return report
    }
}
