import Foundation
import Hummingbird
import HummingbirdWebSocket
import ProctorCore
import ProctorStore

/// What the proctor dashboard reads and writes: sessions ranked for review, one session's review
/// data, the reviewed marker, and report exports.
struct DashboardRoutes {
    let accounts: any AccountStore
    let auditor: Auditor
    let configuration: ProctorConfiguration
    let findings: any FindingStore
    let livePresence: any LivePresenceStore
    let recordings: any RecordingStore
    let registry: LiveSessionRegistry
    let store: any SessionStore

    var reportSources: SessionReport.Sources {
        SessionReport.Sources(store: store, recordings: recordings, findings: findings, accounts: accounts, weights: configuration.pipeline.risk)
    }

    init(services: ProctorServices) {
        accounts = services.accounts
        auditor = services.auditor
        configuration = services.configuration
        findings = services.findings
        livePresence = services.livePresence
        recordings = services.recordings
        registry = services.registry
        store = services.store
    }
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
    @Sendable func rankedSessions(_ request: Request, context: ProctorRequestContext) async throws -> RankedSessionsResponse {
        try context.require(.review)
        let query = request.uri.queryParameters
        let status = query.get("status") ?? "all"
        guard ["all", "active", "completed"].contains(status) else { throw APIError(.badRequest, .invalidField, "status must be all, active or completed") }
        let reviewedFilter = query.get("reviewed")
        let search = (query.get("q") ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let sessions = try await store.listSessions(limit: Self.rankedSessionLimit, offset: 0)
        let ids = sessions.map(\.session.id)
        let recordings = Dictionary(try await recordings.recordings(sessionIds: ids).map { ($0.sessionId, $0) }, uniquingKeysWith: { a, _ in a })
        let counts = try await findings.openFindingCounts(sessionIds: ids, sources: [.recorded, .browser, .audio])
        let poorLightingNoFace = try await findings.openPoorLightingNoFaceCounts(sessionIds: ids, sources: [.recorded])
        // Connected to any server (the local registry covers the second before its first publication).
        let presence = try await livePresence.presence(updatedSince: Date().addingTimeInterval(-LiveFeedRoutes.presenceSeconds))
        let local = await registry.all
        let live = Set(presence.map(\.serverSessionId)).union(local.map(\.serverSessionId))
        // When each live session's current connection began (the earliest, when two servers briefly overlap).
        var connectedAt: [String: Date] = [:]
        for entry in presence { connectedAt[entry.serverSessionId] = min(connectedAt[entry.serverSessionId] ?? entry.connectedAt, entry.connectedAt) }
        for entry in local where connectedAt[entry.serverSessionId] == nil { connectedAt[entry.serverSessionId] = entry.connectedAt }
        let liveCounts = try await findings.openFindingCounts(sessionIds: ids.filter { live.contains($0) && recordings[$0] == nil }, sources: [.live])
        let weights = configuration.pipeline.risk
        let profiles = try await accounts.accommodations()
        var rows: [(ReviewPriority, RankedSession)] = []
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
            // A live-only session: its live findings so far while connected, the summary's once it ended.
            let liveEpisodes = isLive ? liveCounts[session.id] ?? overview.summary?.violationBreakdown ?? [:] : overview.summary?.violationBreakdown ?? [:]
            var facts = SessionState.Facts(
                recorded: recording != nil, consented: recording?.consentAt != nil, live: isLive, endRequested: recording?.endRequestedAt != nil,
                lastIndex: recording?.lastIndex, finalized: recording?.finalizedAt != nil)
            if SessionState.needsChunkCount(facts) {
                facts.pendingChunks = try await self.recordings.chunks(sessionId: session.id).filter { $0.status == .uploaded }.count
            }
            if SessionState.needsJobState(facts) {
                let finalizers = try await self.recordings.jobs(sessionId: session.id).filter { $0.kind == .finalize }
                facts.finalizeFailed = finalizers.contains { $0.status == .failed } && !finalizers.contains { [.queued, .running].contains($0.status) }
            }
            let state = SessionState(facts)
            let profile = recording.flatMap { recording in
                profiles.first { $0.candidateId == recording.candidateId && $0.examId == recording.examId }
                    ?? profiles.first { $0.candidateId == recording.candidateId && $0.examId == nil }
            }
            let priority = ReviewPriority.compute(
                maxLiveRisk: overview.summary?.maxRisk ?? 0, eventCounts: eventCounts, reviewed: reviewed,
                weights: weights, scale: profile?.scales ?? [:], poorLightingNoFace: poorLightingNoFace[session.id] ?? 0)
            let row = RankedSession(
                overview: SessionOverviewResponse(overview), candidateId: recording?.candidateId, examId: recording?.examId, live: isLive,
                active: isActive, recorded: recording != nil, finalized: recording?.finalizedAt != nil, reviewed: reviewed,
                priority: priority.score, alertLevel: overview.summary?.highestAlert ?? AlertLevel.none.rawValue, accommodated: profile != nil,
                eventCounts: recording == nil ? liveEpisodes : eventCounts,
                duration: Self.duration(state: state, recording: recording, overview: overview, connectedAt: connectedAt[session.id]), state: state
            )
            rows.append((priority, row))
        }
        rows.sort { $0.0 < $1.0 }
        return RankedSessionsResponse(sessions: rows.map(\.1), count: rows.count)
    }

    /// The row's seconds: nothing yet before the candidate streams, the current connection's length while live,
    /// the master video's length once there is one, else the live stream's.
    static func duration(state: SessionState, recording: RecordingRecord?, overview: SessionOverview, connectedAt: Date?) -> Double? {
        let session = overview.session
        switch state {
        case .invited, .waiting: return nil
        case .live: return max(0, Date().timeIntervalSince(connectedAt ?? session.startedAt))
        case .ended, .processing, .finalized:
            if recording != nil { return recording?.masterDuration ?? overview.summary?.duration }
            return overview.summary?.duration ?? (session.endedAt ?? Date()).timeIntervalSince(session.startedAt)
        }
    }

    @Sendable func review(_ request: Request, context: ProctorRequestContext) async throws -> ReviewResponse {
        let caller = try context.require(.review)
        let report = try await report(context)
        await auditor.record(caller, "view_session", target: report.sessionId, context: context)
        return report.response()
    }

    struct MarkRequest: Decodable {
        var reviewed: Bool
    }

    @Sendable func markReviewed(_ request: Request, context: ProctorRequestContext) async throws -> ReviewedResponse {
        let caller = try context.require(.review)
        let body = try await RequestBody.decode(MarkRequest.self, from: request)
        let id = try context.parameters.require("id")
        guard let overview = try await store.session(id) else { throw APIError(.notFound, .notFound, "no session \(id)") }
        let date = body.reviewed ? Date() : nil
        try await store.setReviewed(sessionId: overview.session.id, at: date)
        await auditor.record(caller, body.reviewed ? "session_reviewed" : "session_unreviewed", target: overview.session.id, context: context)
        return ReviewedResponse(id: overview.session.id, reviewed: body.reviewed, reviewedAt: date)
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
            let encoder = APICoding.encoder()
            encoder.outputFormatting.insert(.prettyPrinted)
            body = String(decoding: try encoder.encode(report.response(generatedAt: Date())), as: UTF8.self)
        case "csv":
            headers[.contentType] = "text/csv; charset=utf-8"
            body = report.csv()
        default:
            throw APIError(.badRequest, .invalidField, "format must be json or csv")
        }
        headers[.contentDisposition] = "attachment; filename=\"session-\(report.sessionId).\(format)\""
        await auditor.record(caller, "export", target: report.sessionId, details: ["format": .string(format)], context: context)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private func report(_ context: ProctorRequestContext) async throws -> SessionReport {
        let id = try context.parameters.require("id")
        guard let report = try await SessionReport.load(id, from: reportSources) else { throw APIError(.notFound, .notFound, "no session \(id)") }
        return report
    }
}

/// `GET /api/dashboard/sessions`: sessions in review order.
struct RankedSessionsResponse: ResponseEncodable, Sendable {
    var sessions: [RankedSession]
    var count: Int
}

/// One row of the dashboard's table: the overview plus who, what state, priority and finding counts.
struct RankedSession: Encodable, Sendable {
    var overview: SessionOverviewResponse
    @Nullable var candidateId: String?
    @Nullable var examId: String?
    var live: Bool
    var active: Bool
    var recorded: Bool
    var finalized: Bool
    var reviewed: Bool
    var priority: Double
    var alertLevel: String
    var accommodated: Bool
    /// Findings by type: recorded ones for recorded sessions, live episodes otherwise.
    var eventCounts: [String: Int]
    /// Seconds: null before the candidate has streamed (invited, waiting).
    @Nullable var duration: Double?
    /// Where the session is: invited, waiting, live, ended, processing or finalized (`SessionState`).
    var state: SessionState

    enum CodingKeys: String, CodingKey {
        case candidateId, examId, live, active, recorded, finalized, reviewed, priority, alertLevel, accommodated, eventCounts, duration, state
    }

    func encode(to encoder: any Encoder) throws {
        try overview.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(_candidateId, forKey: .candidateId)
        try container.encode(_examId, forKey: .examId)
        try container.encode(live, forKey: .live)
        try container.encode(active, forKey: .active)
        try container.encode(recorded, forKey: .recorded)
        try container.encode(finalized, forKey: .finalized)
        try container.encode(reviewed, forKey: .reviewed)
        try container.encode(priority, forKey: .priority)
        try container.encode(alertLevel, forKey: .alertLevel)
        try container.encode(accommodated, forKey: .accommodated)
        try container.encode(eventCounts, forKey: .eventCounts)
        try container.encode(_duration, forKey: .duration)
        try container.encode(state, forKey: .state)
    }
}

/// `PATCH /api/sessions/{id}`.
struct ReviewedResponse: ResponseEncodable, Sendable {
    var id: String
    var reviewed: Bool
    @Nullable var reviewedAt: Date?
}
