import Foundation
import ProctorCore
import ProctorStore

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

/// Everything a reviewer sees about one session, gathered once: the review page, the JSON report and
/// the CSV export are all rendered from it, so they can never disagree.
struct SessionReport: Sendable {
    let overview: SessionOverview
    let recording: RecordingRecord?
    let timeline: RecordingTimeline?
    /// Every finding, recorded ones placed on the master video clock, in time order.
    let findings: [PlacedFinding]
    let milestones: [(record: MilestoneRecord, videoTime: Double?)]
    let chunks: [ChunkRecord]
    let detections: Int
    let latency: LatencyStatistics?
    let priority: ReviewPriority
    /// The candidate's accommodation profile, applied to the priority and shown to reviewers.
    let accommodation: Accommodation?

    var sessionId: String { overview.session.id }
    /// Recorded and browser findings: what the video timeline shows.
    var videoFindings: [PlacedFinding] { findings.filter { $0.finding.source != .live } }
    /// Live findings: what the live analysis saw, on the stream's clock.
    var liveFindings: [FindingRecord] {
        findings.map(\.finding).filter { $0.source == .live }.sorted { ($0.sessionStart ?? 0, $0.id) < ($1.sessionStart ?? 0, $1.id) }
    }
    /// Findings overlapping in time, grouped.
    var incidents: FindingIncidents { FindingIncidents(findings) }
    /// The chunk indices missing from the video: the finalizer's list, else the timeline's so far.
    var gaps: [Int] { recording?.gaps ?? timeline?.gaps ?? [] }

    /// Where a report is read from.
    struct Sources: Sendable {
        let store: any SessionStore
        let recordings: any RecordingStore
        let findings: any FindingStore
        let accounts: any AccountStore
        let weights: RiskWeights
    }

    static func load(_ id: String, from services: Sources) async throws -> SessionReport? {
        guard let overview = try await services.store.session(id) else { return nil }
        let sessionId = overview.session.id
        let recording = try await services.recordings.recording(sessionId: sessionId)
        let chunks = recording == nil ? [] : try await services.recordings.chunks(sessionId: sessionId)
        let timeline = recording.map { record in
            RecordingTimeline(records: chunks, lastIndex: record.lastIndex)
        }
        let chunkStarts = ChunkRecord.startTimes(chunks)
        let findings = PlacedFinding.place(try await services.findings.findings(sessionId: sessionId), on: timeline, chunkStarts: chunkStarts)
        let milestones = try await services.recordings.milestones(sessionId: sessionId).map { milestone -> (record: MilestoneRecord, videoTime: Double?) in
            let time: Double? =
                switch milestone.kind {
                case .finalized, .endRequested: timeline?.totalDuration
                default: timeline?.time(wallClock: milestone.at.timeIntervalSince1970, chunkStarts: chunkStarts)
                }
            return (milestone, time)
        }
        let times = try await services.store.processingTimes(sessionId: sessionId)
        let accommodation = try await recording.asyncMap { try await services.accounts.accommodation(candidateId: $0.candidateId, examId: $0.examId) } ?? nil
        var counts: [String: Int] = [:]
        var poorLightingNoFace = 0
        for placed in findings where placed.finding.source != .live && placed.finding.decision != .dismissed {
            counts[placed.finding.type.rawValue, default: 0] += 1
            if placed.finding.type == .noFace, placed.finding.details.poorLighting == true { poorLightingNoFace += 1 }
        }
        let priority = ReviewPriority.compute(
            maxLiveRisk: overview.summary?.maxRisk ?? 0, eventCounts: counts,
            reviewed: overview.session.reviewedAt != nil,
            weights: services.weights, scale: accommodation?.scales ?? [:], poorLightingNoFace: poorLightingNoFace)
        return SessionReport(
            overview: overview, recording: recording, timeline: timeline, findings: findings, milestones: milestones, chunks: chunks,
            detections: try await services.store.detectionCount(sessionId: sessionId),
            latency: times.isEmpty ? nil : LatencyStatistics(times), priority: priority, accommodation: accommodation
        )
    }
}
