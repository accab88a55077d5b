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
struct SessionReport {
    let overview: SessionOverview
    let recording: RecordingRecord?
    let timeline: RecordingTimeline?
    /// Recorded events, placed on the master video clock.
    let events: [(record: EventRecord, start: Double?, end: Double?)]
    let milestones: [(record: MilestoneRecord, videoTime: Double?)]
    let violations: [ViolationRecord]
    let chunks: [ChunkRecord]
    let detections: Int
    let latency: LatencyStatistics?
    let priority: ReviewPriority
    /// The candidate's accommodation profile, applied to the priority and shown to reviewers.
    let accommodation: Accommodation?

    /// Events on the master video's clock (the finalizer's times, else computed from the chunks), in
    /// time order; events whose chunk is not in the video come last.
    static func placed(_ events: [EventRecord], on timeline: RecordingTimeline?) -> [(record: EventRecord, start: Double?, end: Double?)] {
        events.map { event in
            (record: event,
             start: event.startTime ?? timeline?.time(chunk: event.chunkIndex, offset: event.startOffset),
             end: event.endTime ?? timeline?.time(chunk: event.chunkIndex, offset: event.endOffset))
        }.sorted { ($0.start ?? .infinity, $0.record.id) < ($1.start ?? .infinity, $1.record.id) }
    }

    static func load(_ id: String, services: ProctorServices) async throws -> SessionReport? {
        guard let overview = try await services.store.session(id) else { return nil }
        let sessionId = overview.session.id
        let recording = try await services.recordings.recording(sessionId: sessionId)
        let chunks = recording == nil ? [] : try await services.recordings.chunks(sessionId: sessionId)
        let timeline = recording.map { record in
            RecordingTimeline(records: chunks, lastIndex: record.lastIndex)
        }
        let events = placed(try await services.recordings.events(sessionId: sessionId), on: timeline)
        let chunkStarts = Dictionary(chunks.compactMap { chunk in chunk.startedAt.map { (chunk.index, $0.timeIntervalSince1970) } },
                                     uniquingKeysWith: { first, _ in first })
        let milestones = try await services.recordings.milestones(sessionId: sessionId).map { milestone -> (record: MilestoneRecord, videoTime: Double?) in
            let time: Double? = switch milestone.kind {
            case .finalized, .endRequested: timeline?.totalDuration
            default: timeline?.time(wallClock: milestone.at.timeIntervalSince1970, chunkStarts: chunkStarts)
            }
            return (milestone, time)
        }
        let times = try await services.store.processingTimes(sessionId: sessionId)
        let accommodation = try await recording.asyncMap { try await services.accounts.accommodation(candidateId: $0.candidateId, examId: $0.examId) } ?? nil
        var counts: [String: Int] = [:]
        for event in events where event.record.decision != "dismissed" { counts[event.record.type, default: 0] += 1 }
        let priority = ReviewPriority.compute(maxLiveRisk: overview.summary?.maxRisk ?? 0, eventCounts: counts,
                                              reviewed: overview.session.reviewedAt != nil,
                                              weights: services.configuration.pipeline.risk, scale: accommodation?.scales ?? [:])
        return SessionReport(
            overview: overview, recording: recording, timeline: timeline, events: events, milestones: milestones,
            violations: try await services.store.violations(sessionId: sessionId), chunks: chunks,
            detections: try await services.store.detectionCount(sessionId: sessionId),
            latency: times.isEmpty ? nil : LatencyStatistics(times), priority: priority, accommodation: accommodation
        )
    }
}
