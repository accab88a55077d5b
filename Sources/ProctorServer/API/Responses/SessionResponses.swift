import Foundation
import Hummingbird
import ProctorCore
import ProctorRecording
import ProctorStore

/// A session as listed: ids, status, times and its live summary.
struct SessionOverviewResponse: Encodable, Sendable {
    var id: String
    /// The client's session id.
    var sessionId: String
    var status: SessionRecord.Status
    var startedAt: Date
    @Nullable var endedAt: Date?
    @Nullable var summary: SummaryResponse?

    init(_ overview: SessionOverview) {
        id = overview.session.id
        sessionId = overview.session.externalId
        status = overview.session.status
        startedAt = overview.session.startedAt
        endedAt = overview.session.endedAt
        summary = overview.summary.map(SummaryResponse.init)
    }
}

/// The live analysis totals of a session.
struct SummaryResponse: Encodable, Sendable {
    var totalFrames: Int
    var processedFrames: Int
    var skippedFrames: Int
    var droppedFrames: Int
    var violationCount: Int
    var violationBreakdown: [String: Int]
    var maxRisk: Double
    var averageRisk: Double
    var highestAlert: String
    var duration: Double
    var updatedAt: Date

    init(_ summary: SessionSummaryRecord) {
        totalFrames = summary.totalFrames
        processedFrames = summary.processedFrames
        skippedFrames = summary.skippedFrames
        droppedFrames = summary.droppedFrames
        violationCount = summary.violationCount
        violationBreakdown = summary.violationBreakdown
        maxRisk = summary.maxRisk
        averageRisk = summary.averageRisk
        highestAlert = summary.highestAlert
        duration = summary.duration
        updatedAt = summary.updatedAt
    }
}

/// `GET /api/sessions`.
struct SessionListResponse: ResponseEncodable, Sendable {
    var sessions: [SessionOverviewResponse]
    var limit: Int
    var offset: Int
}

/// `GET /api/sessions/{id}`: the overview, its live findings in the `violations` shape, and the
/// recording when there is one.
struct SessionDetailResponse: ResponseEncodable, Sendable {
    var overview: SessionOverviewResponse
    var violations: [ViolationResponse]
    var detections: Int
    var recording: RecordingResponse?

    enum CodingKeys: String, CodingKey {
        case violations, detections, recording
    }

    func encode(to encoder: any Encoder) throws {
        try overview.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(violations, forKey: .violations)
        try container.encode(detections, forKey: .detections)
        try container.encodeIfPresent(recording, forKey: .recording)
    }
}

/// A live finding as `GET /api/sessions/{id}` has always listed it.
struct ViolationResponse: Encodable, Sendable {
    var id: String
    var type: ViolationKind
    var severity: Double
    var start: Double
    var end: Double
    var duration: Double
    var peakConfidence: Double
    var frames: Int
    @Nullable var evidenceUrl: String?
    var reviewed: Bool
    @Nullable var decision: FindingDecision?
    @Nullable var reviewerNotes: String?
    @Nullable var incidentId: String?
    /// Seconds on the recording's video where the live finding began (the review and the JSON report,
    /// when the session has a recording that covers that moment), else null.
    @Nullable var videoTime: Double?

    init(_ finding: FindingRecord, incidentId: String? = nil, videoTime: Double? = nil) {
        self.videoTime = videoTime
        id = finding.id
        type = finding.type
        severity = finding.severity
        start = finding.sessionStart ?? 0
        end = finding.sessionEnd ?? 0
        duration = finding.duration
        peakConfidence = finding.confidence
        frames = finding.frames
        evidenceUrl = FindingResponse.evidenceURL(finding)
        reviewed = finding.reviewedAt != nil
        decision = finding.decision
        reviewerNotes = finding.note
        self.incidentId = incidentId
    }
}

/// The recorded side of a session, one shape wherever it is shown.
struct RecordingResponse: Encodable, Sendable {
    var examId: String
    var candidateId: String
    var chunkSeconds: Double
    @Nullable var consentAt: Date?
    @Nullable var consentVersion: String?
    /// The exam's audio policy: whether sound was asked for (the review's speech lane).
    var audio: AudioPolicy
    var referenceEnrolled: Bool
    var endRequested: Bool
    @Nullable var lastIndex: Int?
    var finalized: Bool
    @Nullable var videoDuration: Double?
    @Nullable var videoUrl: String?
    /// Chunk indices missing from the video.
    var gaps: [Int]

    init(_ recording: RecordingRecord, gaps: [Int]) {
        examId = recording.examId
        candidateId = recording.candidateId
        chunkSeconds = recording.chunkSeconds
        consentAt = recording.consentAt
        consentVersion = recording.consentVersion
        audio = recording.audioPolicy
        referenceEnrolled = recording.referenceEmbedding != nil
        endRequested = recording.endRequestedAt != nil
        lastIndex = recording.lastIndex
        finalized = recording.finalizedAt != nil
        videoDuration = recording.masterDuration
        videoUrl = recording.masterKey == nil ? nil : "/api/sessions/\(recording.sessionId)/video"
        self.gaps = gaps
    }
}

/// One finding as review, exports and `GET …/events` show it, whatever its source.
struct FindingResponse: Encodable, Sendable {
    var id: String
    var source: FindingSource
    var type: ViolationKind
    var label: String
    /// A sentence for the findings list ("Another tab was in front of the exam for 12 s").
    var description: String
    /// Seconds the finding lasted (null when it has no length, e.g. a paste).
    @Nullable var duration: Double?
    /// Wall-clock times (the page's clock for browser findings).
    @Nullable var startedAt: Date?
    @Nullable var endedAt: Date?
    /// Seconds on the master video (recorded and browser findings), else null.
    @Nullable var start: Double?
    @Nullable var end: Double?
    /// Seconds on the live stream's clock (live findings), else null.
    @Nullable var sessionStart: Double?
    @Nullable var sessionEnd: Double?
    @Nullable var chunkIndex: Int?
    @Nullable var chunkOffset: Double?
    var confidence: Double
    var severity: Double
    var frames: Int
    var details: FindingDetails
    @Nullable var evidenceUrl: String?
    /// What the evidence is: `image` (a JPEG snapshot) or `audio` (an Ogg/Opus clip of the speech).
    @Nullable var evidenceType: EvidenceMedia?
    @Nullable var decision: FindingDecision?
    @Nullable var note: String?
    @Nullable var reviewer: String?
    /// The accommodation's weight for this finding (1 = unchanged, 0 = switched off for this candidate).
    var accommodationScale: Double
    @Nullable var reviewedAt: Date?
    /// The incident it is part of (findings overlapping in time), null when it stands alone.
    @Nullable var incidentId: String?

    init(_ placed: PlacedFinding, accommodation: Accommodation?, incidentId: String? = nil) {
        let finding = placed.finding
        id = finding.id
        source = finding.source
        type = finding.type
        label = finding.type.title
        let lasting = finding.endedAt.flatMap { end in finding.startedAt.map { end.timeIntervalSince($0) } }
        let seconds = finding.source == .browser ? (lasting.flatMap { $0 > 0 ? $0 : nil }) : finding.duration
        duration = seconds
        description = Self.describe(finding, duration: seconds)
        startedAt = finding.startedAt
        endedAt = finding.endedAt
        start = placed.start
        end = placed.end
        sessionStart = finding.sessionStart
        sessionEnd = finding.sessionEnd
        chunkIndex = finding.chunkIndex
        chunkOffset = finding.chunkStart
        confidence = finding.confidence
        severity = finding.severity
        frames = finding.frames
        details = finding.details
        evidenceUrl = Self.evidenceURL(finding)
        evidenceType = finding.evidenceKey.map { BlobKeys.evidenceMedia($0) }
        decision = finding.decision
        note = finding.note
        reviewer = finding.reviewer
        accommodationScale = accommodation?.scales[finding.type.rawValue] ?? 1
        reviewedAt = finding.reviewedAt
        self.incidentId = incidentId
    }

    static func describe(_ finding: FindingRecord, duration: Double?) -> String {
        var text = finding.type.title
        if finding.type == .clipboard, let action = finding.details.action {
            text = "\(action.prefix(1).uppercased() + action.dropFirst()) of \(finding.details.textLength.map { "\($0) characters" } ?? "text")"
        }
        if let duration, duration >= 1 { text += " for \(Int(duration.rounded())) s" }
        return text
    }

    /// The one evidence route, for findings of every source.
    static func evidenceURL(_ finding: FindingRecord) -> String? {
        finding.evidenceKey == nil ? nil : "/api/sessions/\(finding.sessionId)/events/\(finding.id)/evidence"
    }
}

/// A finding with its place on the master video (nil when it has none).
struct PlacedFinding: Sendable {
    var finding: FindingRecord
    var start: Double?
    var end: Double?

    /// Findings on the video's clock, in time order: recorded ones by their chunk (the finalizer's
    /// times, else computed from the chunks), browser ones by their wall-clock times through the
    /// chunks' start times (`chunkStarts`: chunk index → seconds since 1970). Findings without a
    /// place in the video (live ones, chunks not in it) come last.
    static func place(_ findings: [FindingRecord], on timeline: RecordingTimeline?, chunkStarts: [Int: Double] = [:]) -> [PlacedFinding] {
        findings.map { finding in
            switch finding.source {
            case .recorded, .audio:
                guard let chunk = finding.chunkIndex else { return PlacedFinding(finding: finding) }
                return PlacedFinding(
                    finding: finding,
                    start: finding.videoStart ?? finding.chunkStart.flatMap { timeline?.time(chunk: chunk, offset: $0) },
                    end: finding.videoEnd ?? finding.chunkEnd.flatMap { timeline?.time(chunk: chunk, offset: $0) })
            case .browser:
                let wall = { (date: Date?) in date.flatMap { timeline?.time(wallClock: $0.timeIntervalSince1970, chunkStarts: chunkStarts) } }
                return PlacedFinding(finding: finding, start: wall(finding.startedAt), end: wall(finding.endedAt ?? finding.startedAt))
            case .live:
                return PlacedFinding(finding: finding)
            }
        }.sorted {
            ($0.start ?? .infinity, $0.finding.sessionStart ?? .infinity, $0.finding.id) < (
                $1.start ?? .infinity, $1.finding.sessionStart ?? .infinity, $1.finding.id
            )
        }
    }
}

/// `GET /api/sessions/{id}/events`.
struct FindingListResponse: ResponseEncodable, Sendable {
    var sessionId: String
    var finalized: Bool
    @Nullable var videoDuration: Double?
    var gaps: [Int]
    var events: [FindingResponse]
    var incidents: [IncidentResponse]
}

/// `PATCH /api/sessions/{id}/events/{eid}`.
struct DecisionResponse: ResponseEncodable, Sendable {
    var id: String
    @Nullable var decision: FindingDecision?
    @Nullable var note: String?
    @Nullable var reviewer: String?
    @Nullable var reviewedAt: Date?
}
