import Foundation
import Hummingbird
import HummingbirdWebSocket
import ProctorCore
import ProctorRecording
import ProctorStore

/// The dashboard's live grid: a Server-Sent Events feed of the connected sessions, and each one's
/// latest snapshot.
///
/// Every server publishes its connections to the shared store each second (`LivePresencePublisher`),
/// so the feed of any server shows every candidate. The feed looks once a second and sends only
/// when something changed, so open dashboards cost one small message per change, not a poll each.
struct LiveFeedRoutes {
    let blobs: any BlobStore
    let findings: any FindingStore
    let livePresence: any LivePresenceStore
    let recordings: any RecordingStore

    init(services: ProctorServices) {
        blobs = services.blobs
        findings = services.findings
        livePresence = services.livePresence
        recordings = services.recordings
    }
    /// A stream ends after this long; the browser's EventSource reconnects at once (`retry`), which
    /// bounds how long a shutdown waits for open feeds.
    static let streamSeconds = 60
    static let tickSeconds = 1.0
    static let keepAliveSeconds = 15.0
    /// A record not refreshed for this long belongs to a server that stopped: it is not shown.
    static let presenceSeconds = 5.0

    func register(on router: Router<ProctorRequestContext>) {
        router.get("api/live/feed", use: feed)
        router.get("api/live/{session_id}/snapshot", use: snapshot)
    }

    @Sendable func feed(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        try context.require(.watchLive)
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                var state = FeedState()
                let started = ContinuousClock.now
                var lastSent = ContinuousClock.now
                while ContinuousClock.now - started < .seconds(Self.streamSeconds), !Task.isCancelled {
                    let presence = try await livePresence.presence(updatedSince: Date().addingTimeInterval(-Self.presenceSeconds))
                    let message = try await state.message(for: presence, recordings: recordings, findings: findings)
                    if let message {
                        try await writer.write(ByteBuffer(string: "event: sessions\ndata: \(message)\n\n"))
                        lastSent = .now
                    } else if ContinuousClock.now - lastSent > .seconds(Self.keepAliveSeconds) {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        lastSent = .now
                    }
                    try await Task.sleep(for: .seconds(Self.tickSeconds))
                }
                try await writer.finish(nil)
            })
    }

    @Sendable func snapshot(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        try context.require(.watchLive)
        let sessionId = try context.parameters.require("session_id")
        // From the shared blob store: the candidate may be connected to another server.
        let key = BlobKeys.liveSnapshot(sessionId)
        guard FileBlobStore.isValid(key), let data = try? await blobs.data(key) else {
            throw APIError(.notFound, .notFound, "no live snapshot for \(sessionId)")
        }
        var headers = HTTPFields()
        headers[.contentType] = "image/jpeg"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// One feed's memory between ticks: the last message sent and the frame counts for rates.
struct FeedState {
    private var lastMessage = ""
    private var previous: [String: (processed: Int, at: ContinuousClock.Instant)] = [:]
    private var rates: [String: Double] = [:]
    private var candidates: [String: (candidate: String, exam: String)] = [:]
    /// Sessions already looked up that have no recording (live-only).
    private var liveOnly: Set<String> = []

    /// The message to send, or nil when nothing changed.
    mutating func message(
        for entries: [LivePresenceRecord], recordings: any RecordingStore, findings: any FindingStore
    ) async throws -> String? {
        let now = ContinuousClock.now
        let unknown = entries.map(\.serverSessionId).filter { candidates[$0] == nil && !liveOnly.contains($0) }
        if !unknown.isEmpty {
            for recording in try await recordings.recordings(sessionIds: unknown) {
                candidates[recording.sessionId] = (recording.candidateId, recording.examId)
            }
            liveOnly.formUnion(unknown.filter { candidates[$0] == nil })
        }
        // The same counts as the dashboard's table: recorded sessions their recorded, browser and sound
        // findings not dismissed; live-only sessions their live findings.
        let ids = Set(entries.map(\.serverSessionId))
        let recorded = try await findings.openFindingCounts(sessionIds: ids.filter { candidates[$0] != nil }.sorted(), sources: [.recorded, .browser, .audio])
        let liveCounts = try await findings.openFindingCounts(sessionIds: ids.filter { candidates[$0] == nil }.sorted(), sources: [.live])
        var tiles: [LiveTile] = []
        for entry in entries {
            if let last = previous[entry.sessionId] {
                let seconds = (now - last.at).inSeconds
                if seconds >= 2 {
                    rates[entry.sessionId] = Double(entry.framesProcessed - last.processed) / seconds
                    previous[entry.sessionId] = (entry.framesProcessed, now)
                }
            } else {
                previous[entry.sessionId] = (entry.framesProcessed, now)
            }
            let who = candidates[entry.serverSessionId]
            tiles.append(
                LiveTile(
                    sessionId: entry.sessionId, serverSessionId: entry.serverSessionId, candidateId: who?.candidate, examId: who?.exam,
                    connectedAt: entry.connectedAt, fps: ((rates[entry.sessionId] ?? 0) * 10).rounded() / 10,
                    framesProcessed: entry.framesProcessed, framesDropped: entry.framesDropped, riskScore: entry.riskScore,
                    alertLevel: entry.alertLevel, server: entry.server,
                    lastViolation: entry.lastViolation.map { ViolationKind(rawValue: $0)?.title ?? $0 }, lastViolationAt: entry.lastViolationAt,
                    snapshotUrl: entry.snapshotVersion > 0 ? "/api/live/\(entry.sessionId)/snapshot?v=\(entry.snapshotVersion)" : nil,
                    findingCounts: (recorded[entry.serverSessionId] ?? liveCounts[entry.serverSessionId] ?? [:]).filter { $0.value > 0 }
                ))
        }
        let live = Set(entries.map(\.sessionId))
        previous = previous.filter { live.contains($0.key) }
        let message = try APICoding.text(LiveFeedMessage(sessions: tiles, count: tiles.count))
        guard message != lastMessage else { return nil }
        lastMessage = message
        return message
    }
}

/// One `sessions` event of the live feed.
struct LiveFeedMessage: Encodable, Sendable {
    var sessions: [LiveTile]
    var count: Int
}

/// A tile of the live grid.
struct LiveTile: Encodable, Sendable {
    var sessionId: String
    var serverSessionId: String
    @Nullable var candidateId: String?
    @Nullable var examId: String?
    var connectedAt: Date
    var fps: Double
    var framesProcessed: Int
    var framesDropped: Int
    var riskScore: Double
    var alertLevel: String
    var server: String
    @Nullable var lastViolation: String?
    @Nullable var lastViolationAt: Date?
    @Nullable var snapshotUrl: String?
    /// The session's findings so far by type, as the dashboard's table counts them (the table's live
    /// rows show these, and their duration from `connected_at`, without a reload).
    var findingCounts: [String: Int]
}
