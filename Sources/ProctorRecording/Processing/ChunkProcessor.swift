import Foundation
import Logging
import ProctorCore
import ProctorPipeline
import ProctorStore
import ProctorVision

/// Analyses one uploaded chunk: samples its frames, runs the detection pipeline and identity checks,
/// and turns consecutive findings into events with evidence.
public struct ChunkProcessor: Sendable {
    public let pool: VisionWorkerPool
    public let blobs: any BlobStore
    public let configuration: ProctorConfiguration
    public let logger: Logger

    public init(pool: VisionWorkerPool, blobs: any BlobStore, configuration: ProctorConfiguration, logger: Logger) {
        self.pool = pool
        self.blobs = blobs
        self.configuration = configuration
        self.logger = logger
    }

    public struct Result: Sendable {
        public var duration: Double
        public var sampledFrames: Int
        public var events: [EventRecord]
    }

    /// Processes `chunk`; `reference` is the enrolled face embedding, if any.
    public func process(_ chunk: ChunkRecord, reference: FaceEmbedding?) async throws -> Result {
        let path = try blobs.localURL(chunk.blobKey).path
        let reader = try await pool.run { _ in SequentialVideoReader(try VideoReader(path: path)) }
        var pipelineConfiguration = configuration.pipeline
        pipelineConfiguration.sampling.enabled = false  // sampling by time below
        pipelineConfiguration.objects.interval = 0
        var pipeline = DetectionPipeline(sessionId: chunk.sessionId, configuration: pipelineConfiguration, pool: pool)
        var tracker = EpisodeTracker(closeAfter: configuration.recording.eventGapSeconds)
        var sampler = TimeSampler(fps: configuration.recording.sampleFps)
        var identity = IdentityCheck(interval: configuration.recording.identityIntervalSeconds, configuration: configuration.pipeline.identity)
        var events: [String: EventRecord] = [:]
        var frames: [String: Int] = [:]
        var order: [String] = []
        var lastTimestamp = 0.0
        var frameInterval = 0.0
        var sampled = 0

        while let (frame, timestamp, fps) = try await pool.run({ _ in try reader.next().map { ($0.image, $0.timestamp, reader.framesPerSecond) } }) {
            frameInterval = fps > 0 ? 1 / fps : frameInterval
            lastTimestamp = timestamp
            guard sampler.take(timestamp) else { continue }
            sampled += 1
            let outcome = try await pipeline.process(frame: frame, timestamp: timestamp)
            guard let risk = outcome.risk, let observation = outcome.observation else { continue }
            var findings = Finding.from(risk)
            if let reference, observation.faceCount >= 1, identity.isDue(at: timestamp) {
                let similarity = try await pool.run { models -> Double? in
                    guard let face = try models.faceDetector.detect(in: frame).first else { return nil }
                    return try models.embedder.embedding(of: face, in: frame).cosineSimilarity(to: reference)
                }
                if let similarity { identity.record(similarity, at: timestamp) }
            }
            if let mismatch = identity.finding(at: timestamp) { findings.append(mismatch) }
            let changes = tracker.update(findings: findings, at: timestamp) { UUID().uuidString.lowercased() }
            for episode in changes.opened {
                let key = BlobKeys.evidence(chunk.sessionId, episode.id)
                let blobs = self.blobs
                let saved = try? await pool.run { _ in try blobs.put(key, data: Data(try frame.jpegData(quality: 80))) }
                events[episode.id] = EventRecord(
                    id: episode.id, sessionId: chunk.sessionId, chunkIndex: chunk.index, type: episode.kind.rawValue,
                    startOffset: episode.start, endOffset: episode.end, peakConfidence: episode.peakConfidence,
                    details: identity.details(for: episode.kind), evidenceKey: saved == nil ? nil : key, createdAt: Date()
                )
                order.append(episode.id)
            }
            for episode in changes.strengthened + changes.closed {
                update(&events, with: episode, identity: identity)
                frames[episode.id] = episode.frames
            }
        }
        for episode in tracker.finish() {
            update(&events, with: episode, identity: identity)
            frames[episode.id] = episode.frames
        }
        guard sampled > 0 else { throw VideoToolError("chunk \(chunk.index) has no decodable frames") }
        // Drop one-frame blips, and their snapshots.
        let minimum = configuration.recording.minimumEventFrames
        let kept = order.compactMap { id -> EventRecord? in
            guard let event = events[id] else { return nil }
            if (frames[id] ?? 1) >= minimum { return event }
            if let key = event.evidenceKey { try? blobs.delete(key) }
            return nil
        }
        return Result(duration: lastTimestamp + frameInterval, sampledFrames: sampled, events: kept)
    }

    private func update(_ events: inout [String: EventRecord], with episode: ViolationEpisode, identity: IdentityCheck) {
        guard var event = events[episode.id] else { return }
        event.endOffset = episode.end
        event.peakConfidence = episode.peakConfidence
        event.details = identity.details(for: episode.kind)
        events[episode.id] = event
    }
}

/// Picks frames at a steady rate by their timestamps.
struct TimeSampler {
    let interval: Double
    private var next: Double?

    init(fps: Double) {
        interval = fps > 0 ? 1 / fps : 0
    }

    /// True for the first frame at or after each sampling instant (a grid anchored at the first frame).
    mutating func take(_ timestamp: Double) -> Bool {
        guard interval > 0 else { return true }
        if let next, timestamp + 0.001 < next { return false }
        var upcoming = (next ?? timestamp) + interval
        if upcoming <= timestamp { upcoming = timestamp + interval }
        next = upcoming
        return true
    }
}

/// Identity against the reference photo: checked every few seconds, reported as a finding while the
/// last check said "different" or "uncertain".
struct IdentityCheck {
    let interval: Double
    let configuration: IdentityConfiguration
    private var lastCheck: Double?
    private var lastSimilarity: Double?
    private var lowest: Double?

    init(interval: Double, configuration: IdentityConfiguration) {
        self.interval = interval
        self.configuration = configuration
    }

    func isDue(at timestamp: Double) -> Bool {
        guard let lastCheck else { return true }
        return timestamp - lastCheck >= interval - 0.001
    }

    mutating func record(_ similarity: Double, at timestamp: Double) {
        lastCheck = timestamp
        lastSimilarity = similarity
        lowest = min(lowest ?? similarity, similarity)
    }

    func finding(at timestamp: Double) -> Finding? {
        guard let lastSimilarity, IdentityVerdict(similarity: lastSimilarity, configuration: configuration) != .match else { return nil }
        return Finding(kind: .identityMismatch, confidence: max(0, min(1, 1 - lastSimilarity)))
    }

    /// Details stored with an event: for identity, the similarity and verdict (different or uncertain).
    func details(for kind: ViolationKind) -> String {
        guard kind == .identityMismatch, let lowest else { return "{}" }
        let verdict = IdentityVerdict(similarity: lowest, configuration: configuration)
        return String(format: #"{"lowest_similarity":%.4f,"verdict":"%@","match_threshold":%.2f}"#, lowest, verdict.rawValue, configuration.matchThreshold)
    }
}
