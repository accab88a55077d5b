import Foundation
import Hummingbird
import ProctorCore
import ProctorStore

/// The review page's data and the JSON export: the session overview with its review state, the
/// recording, recorded findings (`events`, on the video clock), live findings (`violations`),
/// milestones, the accommodation and per-stage figures.
struct ReviewResponse: ResponseEncodable, Sendable {
    var overview: SessionOverviewResponse
    var priority: Double
    var reviewed: Bool
    @Nullable var reviewedAt: Date?
    @Nullable var recording: RecordingResponse?
    var events: [FindingResponse]
    /// Findings that overlap in time, grouped (`FindingIncidents`), recorded and live alike.
    var incidents: [IncidentResponse]
    var milestones: [MilestoneResponse]
    var violations: [ViolationResponse]
    @Nullable var accommodation: AccommodationResponse?
    var figures: FiguresResponse
    /// Set on exports only.
    var generatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case priority, reviewed, reviewedAt, recording, events, incidents, milestones, violations, accommodation, figures, generatedAt
    }

    func encode(to encoder: any Encoder) throws {
        try overview.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(priority, forKey: .priority)
        try container.encode(reviewed, forKey: .reviewed)
        try container.encode(_reviewedAt, forKey: .reviewedAt)
        try container.encode(_recording, forKey: .recording)
        try container.encode(events, forKey: .events)
        try container.encode(incidents, forKey: .incidents)
        try container.encode(milestones, forKey: .milestones)
        try container.encode(violations, forKey: .violations)
        try container.encode(_accommodation, forKey: .accommodation)
        try container.encode(figures, forKey: .figures)
        try container.encodeIfPresent(generatedAt, forKey: .generatedAt)
    }
}

/// A milestone on the review timeline.
struct MilestoneResponse: Encodable, Sendable {
    var id: Int64
    var kind: MilestoneRecord.Kind
    var at: Date
    @Nullable var videoTime: Double?
    var details: MilestoneDetails
}

/// Per-stage processing figures: live frames and latency, recorded chunks.
struct FiguresResponse: Encodable, Sendable {
    struct Live: Encodable, Sendable {
        struct Latency: Encodable, Sendable {
            var p50: Double
            var p95: Double
            var max: Double
        }
        var framesReceived: Int
        var framesProcessed: Int
        var framesSkipped: Int
        var framesDropped: Int
        var analysesStored: Int
        @Nullable var latencyMs: Latency?
    }
    struct Recording: Encodable, Sendable {
        var chunks: Int
        var byStatus: [String: Int]
        var videoSeconds: Double
    }
    var live: Live
    var recording: Recording
}

extension SessionReport {
    func response(generatedAt: Date? = nil) -> ReviewResponse {
        let incidents = self.incidents
        return ReviewResponse(
            overview: SessionOverviewResponse(overview), priority: priority.score, reviewed: overview.session.reviewedAt != nil,
            reviewedAt: overview.session.reviewedAt, recording: recording.map { RecordingResponse($0, gaps: gaps) },
            events: videoFindings.map { FindingResponse($0, accommodation: accommodation, incidentId: incidents.incidentOf[$0.finding.id]) },
            incidents: incidents.incidents.map(IncidentResponse.init),
            milestones: milestones.map {
                MilestoneResponse(
                    id: $0.record.id ?? 0, kind: $0.record.kind, at: $0.record.at, videoTime: $0.videoTime,
                    details: $0.record.details)
            },
            violations: liveFindingsOnVideo(incidents),
            accommodation: accommodation.map(AccommodationResponse.init),
            figures: figures(), generatedAt: generatedAt
        )
    }

    /// Live findings, each also placed on the video clock when the session has a recording: its
    /// wall-clock start through the chunks' start times (as milestones and browser findings are).
    func liveFindingsOnVideo(_ incidents: FindingIncidents) -> [ViolationResponse] {
        let chunkStarts = ChunkRecord.startTimes(chunks)
        return liveFindings.map { finding in
            ViolationResponse(
                finding, incidentId: incidents.incidentOf[finding.id],
                videoTime: finding.startedAt.flatMap { timeline?.time(wallClock: $0.timeIntervalSince1970, chunkStarts: chunkStarts) })
        }
    }

    func figures() -> FiguresResponse {
        let summary = overview.summary
        var chunkCounts: [String: Int] = [:]
        for chunk in chunks { chunkCounts[chunk.status.rawValue, default: 0] += 1 }
        return FiguresResponse(
            live: .init(
                framesReceived: summary?.totalFrames ?? 0, framesProcessed: summary?.processedFrames ?? 0,
                framesSkipped: summary?.skippedFrames ?? 0, framesDropped: summary?.droppedFrames ?? 0, analysesStored: detections,
                latencyMs: latency.map { .init(p50: $0.p50, p95: $0.p95, max: $0.max) }),
            recording: .init(chunks: chunks.count, byStatus: chunkCounts, videoSeconds: timeline?.totalDuration ?? 0)
        )
    }
}
