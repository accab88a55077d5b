import Foundation
import ProctorCore

/// The one place that turns episodes into findings, for live sessions and recorded chunks alike:
/// an episode opens a finding (with its evidence), grows it, and closes it; the recorder keeps the
/// records of the episodes still open.
public struct FindingRecorder: Sendable {
    public let sessionId: String
    public let source: FindingSource
    let weights: RiskWeights
    /// The wall-clock time of episode time 0, when known (a recorded chunk's start in the browser);
    /// live findings take the server's clock as they happen.
    public var wallClockOrigin: Date?
    private var records: [String: FindingRecord] = [:]
    private var order: [String] = []

    public init(sessionId: String, source: FindingSource, weights: RiskWeights) {
        self.sessionId = sessionId
        self.source = source
        self.weights = weights
    }

    /// A new episode's finding; `chunkIndex` for recorded findings.
    @discardableResult
    public mutating func open(
        _ episode: ViolationEpisode, chunkIndex: Int? = nil, evidenceKey: String?,
        details: FindingDetails = FindingDetails(), at date: Date = Date()
    ) -> FindingRecord {
        var record = FindingRecord(
            id: episode.id, sessionId: sessionId, source: source, type: episode.kind,
            severity: weights.points(for: episode.kind), confidence: episode.confidence, frames: episode.frames,
            details: details, evidenceKey: evidenceKey, createdAt: date)
        record.details.note(episode)
        record.chunkIndex = chunkIndex
        place(&record, episode, now: date)
        records[episode.id] = record
        order.append(episode.id)
        return record
    }

    /// The finding of an episode that grew or closed; nil for an episode this recorder never opened.
    @discardableResult
    public mutating func update(_ episode: ViolationEpisode, details: FindingDetails? = nil) -> FindingRecord? {
        guard var record = records[episode.id] else { return nil }
        place(&record, episode, now: Date())
        record.confidence = episode.confidence
        record.frames = episode.frames
        if let details {
            let poorLighting = record.details.poorLighting
            record.details = details
            if poorLighting == true { record.details.poorLighting = true }
        }
        record.details.note(episode)
        records[episode.id] = record
        return record
    }

    /// A finding known whole at once (a speech segment of a chunk): from `start` to `end` seconds on
    /// the recorder's clock.
    public mutating func add(
        id: String, kind: ViolationKind, start: Double, end: Double, confidence: Double, frames: Int, chunkIndex: Int?, evidenceKey: String?,
        details: FindingDetails, at date: Date = Date()
    ) -> FindingRecord {
        let episode = ViolationEpisode(id: id, kind: kind, start: start, end: end, peakConfidence: confidence, peakTimestamp: start, frames: frames)
        var record = open(episode, chunkIndex: chunkIndex, evidenceKey: evidenceKey, details: details, at: date)
        // Its confidence was measured whole (the voice model's, the mouth's), not frame by frame.
        record.confidence = confidence
        record.details = details
        records[id] = record
        return record
    }

    /// Marks an open `no_face` finding as seen in poor lighting: its details say so and its severity
    /// is scaled (`RiskWeights.noFacePoorLightingScale`). Nil when nothing changed.
    @discardableResult
    public mutating func notePoorLighting(_ episodeId: String) -> FindingRecord? {
        guard var record = records[episodeId], record.type == .noFace, record.details.poorLighting != true else { return nil }
        record.details.poorLighting = true
        record.severity = weights.points(for: .noFace, poorLighting: true)
        records[episodeId] = record
        return record
    }

    /// Forgets a closed episode's finding (a live session runs for hours; its closed findings are stored).
    public mutating func forget(_ id: String) {
        records[id] = nil
        order.removeAll { $0 == id }
    }

    /// Every finding in opening order, split by whether it was seen on at least `minimumFrames` frames.
    public func findings(minimumFrames: Int) -> (kept: [FindingRecord], dropped: [FindingRecord]) {
        let all = order.compactMap { records[$0] }
        return (all.filter { $0.frames >= minimumFrames }, all.filter { $0.frames < minimumFrames })
    }

    private func place(_ record: inout FindingRecord, _ episode: ViolationEpisode, now: Date) {
        switch record.source {
        case .live:
            record.sessionStart = episode.start
            record.sessionEnd = episode.end
            if record.startedAt == nil { record.startedAt = now }
            record.endedAt = now
        case .recorded, .audio:
            record.chunkStart = episode.start
            record.chunkEnd = episode.end
            record.startedAt = wallClockOrigin?.addingTimeInterval(episode.start)
            record.endedAt = wallClockOrigin?.addingTimeInterval(episode.end)
        case .browser:
            // Browser findings come from client events, never from episodes.
            break
        }
    }
}
