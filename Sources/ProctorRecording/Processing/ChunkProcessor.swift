import Foundation
import Logging
import ProctorCore
import ProctorPipeline
import ProctorStore
import ProctorVision

/// Analyses one uploaded chunk: samples its frames, runs the detection pipeline and identity checks,
/// and turns consecutive findings into recorded findings with evidence (`FindingRecorder`).
public struct ChunkProcessor: Sendable {
    public let pool: VisionWorkerPool
    public let blobs: any BlobStore
    public let configuration: ProctorConfiguration
    public let logger: Logger
    /// Silero VAD for the chunks' sound; nil when audio analysis is off or cannot run
    /// (`voiceActivityNote` says why).
    public let voiceActivity: VoiceActivityDetector?
    public let voiceActivityNote: String?

    public init(
        pool: VisionWorkerPool, blobs: any BlobStore, configuration: ProctorConfiguration, logger: Logger,
        voiceActivity: VoiceActivityDetector? = nil, voiceActivityNote: String? = nil
    ) {
        self.pool = pool
        self.blobs = blobs
        self.configuration = configuration
        self.logger = logger
        self.voiceActivity = voiceActivity
        self.voiceActivityNote = voiceActivityNote
    }

    /// The speech analysis of the chunks' sound.
    var speech: SpeechAnalyser {
        SpeechAnalyser(pool: pool, configuration: configuration.audio, voiceActivity: voiceActivity, note: voiceActivityNote)
    }

    public struct Result: Sendable {
        public var duration: Double
        public var sampledFrames: Int
        public var findings: [FindingRecord]
        /// The gaze calibration the chunk was measured against: the given one, or the one it found
        /// in its own first seconds (nil when it found none).
        public var calibration: GazeCalibration?
        /// The chunk's sound: status, speech segments, the voice model's state for the next chunk.
        public var audio: ChunkAudioAnalysis
    }

    /// Processes `chunk`; `reference` is the enrolled face embedding, `calibration` the session's
    /// stored gaze calibration, if any (without one the chunk calibrates from its own first seconds);
    /// `voiceState` the voice model's state after the session's previous chunk, when known.
    public func process(
        _ chunk: ChunkRecord, reference: FaceEmbedding?, calibration: GazeCalibration? = nil, voiceState: VoiceActivityState? = nil
    ) async throws -> Result {
        try await blobs.withLocalFile(chunk.blobKey) { url in
            try await process(chunk, at: url, reference: reference, calibration: calibration, voiceState: voiceState)
        }
    }

    private func process(
        _ chunk: ChunkRecord, at url: URL, reference: FaceEmbedding?, calibration: GazeCalibration?, voiceState: VoiceActivityState?
    ) async throws -> Result {
        let path = url.path
        // The sound first (a fraction of a second): its speech tells which frames' mouths to look at.
        let speech = self.speech
        let audio = await speech.analyse(url, previous: voiceState)
        var mouths = SpeechAnalyser.MouthCollector(segments: audio.segments, configuration: configuration.audio)
        let reader = try await pool.run { _ in SequentialVideoReader(try VideoReader(path: path)) }
        var pipelineConfiguration = configuration.pipeline
        pipelineConfiguration.sampling.enabled = false  // sampling by time below
        pipelineConfiguration.objects.interval = 0
        var pipeline = DetectionPipeline(sessionId: chunk.sessionId, configuration: pipelineConfiguration, pool: pool, calibration: calibration)
        var tracker = EpisodeTracker(closeAfter: configuration.recording.eventGapSeconds)
        var sampler = TimeSampler(fps: configuration.recording.sampleFps)
        var identity = IdentityCheck(interval: configuration.recording.identityIntervalSeconds, configuration: configuration.pipeline.identity)
        var recorder = FindingRecorder(sessionId: chunk.sessionId, source: .recorded, weights: configuration.pipeline.risk)
        recorder.wallClockOrigin = chunk.startedAt
        var lastTimestamp = 0.0
        var frameInterval = 0.0
        var sampled = 0
        var firstSampled: Double?
        var lastSampled = 0.0

        // Every frame is decoded (later frames depend on it), but only the analysed ones and the
        // mouth's looks are converted to images.
        while let (timestamp, fps) = try await pool.run({ _ in try reader.grab().map { ($0, reader.framesPerSecond) } }) {
            frameInterval = fps > 0 ? 1 / fps : frameInterval
            lastTimestamp = timestamp
            let analysed = sampler.take(timestamp)
            guard analysed || mouths.wants(timestamp) else { continue }
            let frame = try await pool.run { _ in try reader.retrieve() }
            guard analysed else {
                try await speech.lookAtMouth(in: frame, at: timestamp, into: &mouths, configuration: configuration.pipeline)
                continue
            }
            sampled += 1
            firstSampled = firstSampled ?? timestamp
            lastSampled = timestamp
            let outcome = try await pipeline.process(frame: frame, timestamp: timestamp)
            if let mouth = outcome.mouth { mouths.add(mouth, face: outcome.mainFace) }
            guard let risk = outcome.risk, let observation = outcome.observation else { continue }
            var findings = Finding.from(risk)
            if let reference, observation.faceCount >= 1, identity.isDue(at: timestamp) {
                let similarity = try await pool.run { models in try models.similarity(ofLargestFaceIn: frame, to: reference) }
                if let similarity { identity.record(similarity, at: timestamp) }
            }
            if let mismatch = identity.finding(at: timestamp) { findings.append(mismatch) }
            let changes = tracker.update(findings: findings, at: timestamp) { UUID().uuidString.lowercased() }
            for episode in changes.opened {
                let key = BlobKeys.evidence(chunk.sessionId, episode.id)
                // A snapshot that cannot be made or stored leaves the finding without evidence, not the chunk unprocessed.
                var evidenceKey: String?
                if let jpeg = try? await pool.run({ _ in Data(try frame.jpegData(quality: 80)) }), (try? await blobs.write(key, data: jpeg)) != nil {
                    evidenceKey = key
                }
                recorder.open(episode, chunkIndex: chunk.index, evidenceKey: evidenceKey, details: FindingDetails(identity, kind: episode.kind))
            }
            if observation.isPoorlyLit, let noFace = tracker.openEpisodes.first(where: { $0.kind == .noFace }) {
                recorder.notePoorLighting(noFace.id)
            }
            for episode in changes.strengthened + changes.closed {
                recorder.update(episode, details: FindingDetails(identity, kind: episode.kind))
            }
        }
        for episode in tracker.finish() {
            recorder.update(episode, details: FindingDetails(identity, kind: episode.kind))
        }
        guard sampled > 0 else { throw VideoToolError("chunk \(chunk.index) has no decodable frames") }
        // Drop one-frame blips, and their snapshots; except at the chunk's first or last sampled frame,
        // where the blip may be the end of an incident the previous chunk saw or the start of one the
        // next chunk sees: the finalizer joins it, or drops it then if it is still a blip.
        let (episodes, blips) = recorder.findings(minimumFrames: configuration.recording.minimumEventFrames)
        let edges = [firstSampled ?? 0, lastSampled]
        let atEdge = { (finding: FindingRecord) in
            edges.contains { edge in abs((finding.chunkStart ?? -1) - edge) < 0.001 || abs((finding.chunkEnd ?? -1) - edge) < 0.001 }
        }
        let dropped = blips.filter { !atEdge($0) }
        let kept = episodes + blips.filter(atEdge)
        for key in dropped.compactMap(\.evidenceKey) { try? await blobs.delete(key) }
        var heard = FindingRecorder(sessionId: chunk.sessionId, source: .audio, weights: configuration.pipeline.risk)
        heard.wallClockOrigin = chunk.startedAt
        let speechFindings = await speechFindings(audio.segments, mouths: mouths.samples, chunk: chunk, url: url, recorder: &heard)
        return Result(
            duration: lastTimestamp + frameInterval, sampledFrames: sampled, findings: kept + speechFindings, calibration: pipeline.gazeCalibration,
            audio: audio)
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
