import Foundation
import Logging
import ProctorCore
import ProctorPipeline
import ProctorStore
import ProctorVision

/// What each kind of job does: process a chunk, merge a batch, finalize a session.
public struct RecordingJobs: Sendable {
    public let store: any RecordingStore & SessionStore & FindingStore & JobSignal
    public let blobs: any BlobStore
    public let configuration: ProctorConfiguration
    /// Needed for chunk jobs only.
    public let processor: ChunkProcessor?
    public let logger: Logger

    public init(
        store: any RecordingStore & SessionStore & FindingStore & JobSignal, blobs: any BlobStore, configuration: ProctorConfiguration,
        processor: ChunkProcessor?, logger: Logger
    ) {
        self.store = store
        self.blobs = blobs
        self.configuration = configuration
        self.processor = processor
        self.logger = logger
    }

    /// The outcome of one attempt.
    public enum Outcome: Sendable {
        case done
        /// Not ready yet (e.g. a finalizer waiting for chunks): try again at this time, not counted as an attempt.
        case deferred(until: Date)
    }

    public func run(_ job: JobRecord, owner: String) async throws -> Outcome {
        switch job.kind {
        case .processChunk: return try await processChunk(job)
        case .mergeBatch: return try await withSessionLock(job, owner: owner) { try await mergeBatches(session: job.sessionId) }
        case .finalize: return try await withSessionLock(job, owner: owner) { try await finalize(session: job.sessionId) }
        }
    }

    /// Called when a chunk job has failed for good: the chunk is left out and the session can still finish.
    public func chunkFailed(_ job: JobRecord) async throws {
        guard job.kind == .processChunk, var chunk = try await store.chunks(sessionId: job.sessionId).first(where: { $0.index == job.chunkIndex }) else {
            return
        }
        chunk.status = .failed
        chunk.error = job.lastError
        try await store.updateChunk(chunk)
    }

    // MARK: Chunks

    private func processChunk(_ job: JobRecord) async throws -> Outcome {
        guard let processor else { throw VideoToolError("this worker has no chunk processor") }
        guard var chunk = try await store.chunks(sessionId: job.sessionId).first(where: { $0.index == job.chunkIndex }) else {
            throw VideoToolError("chunk \(job.chunkIndex) of session \(job.sessionId) is not recorded")
        }
        if chunk.status == .processed || chunk.status == .merged { return .done }
        let recording = try await store.recording(sessionId: job.sessionId)
        let reference = recording?.referenceEmbedding.map(FaceEmbedding.init)
        let calibration = try await store.gazeCalibration(sessionId: job.sessionId)?.calibration
        let started = ContinuousClock.now
        let voiceState = await previousVoiceState(session: job.sessionId, index: chunk.index)
        let result = try await processor.process(chunk, reference: reference, calibration: calibration, voiceState: voiceState)
        if let state = result.audio.state, let data = try? JSONEncoder().encode(state) {
            try? await blobs.write(BlobKeys.voiceActivityState(job.sessionId, chunk.index), data: data)
        }
        let audioFindings = try await noteAudio(result, chunk: chunk, policy: recording?.audioPolicy ?? .on)
        // A session without a stored calibration (no live stream calibrated it) keeps the one its
        // first chunk found, so later chunks measure against the exam's start, not their own.
        if calibration == nil, chunk.index == 0, let found = result.calibration, found.source == .automatic {
            _ = try await store.saveGazeCalibration(GazeCalibrationRecord(sessionId: job.sessionId, calibration: found, createdAt: Date()))
        }
        chunk.status = .processed
        chunk.duration = result.duration
        chunk.error = nil
        try await store.completeChunk(chunk, findings: result.findings + audioFindings)
        try await store.enqueue(JobRecord(kind: .mergeBatch, sessionId: job.sessionId, runAfter: Date().timeIntervalSince1970, at: Date()))
        logger.info(
            "chunk processed",
            metadata: [
                "session_id": "\(job.sessionId)", "chunk": "\(chunk.index)", "video_seconds": "\(String(format: "%.1f", result.duration))",
                "sampled_frames": "\(result.sampledFrames)", "findings": "\(result.findings.count)", "wall_ms": "\(started.duration(to: .now))",
                "audio": "\(result.audio.status.rawValue)", "speech_segments": "\(result.audio.segments.count)",
            ])
        return .done
    }

    /// The voice model's state after the session's previous chunk, when that chunk was analysed
    /// first (chunks usually are, in order); otherwise the model starts afresh.
    private func previousVoiceState(session: String, index: Int) async -> VoiceActivityState? {
        guard index > 0, let data = try? await blobs.data(BlobKeys.voiceActivityState(session, index - 1)) else { return nil }
        return try? JSONDecoder().decode(VoiceActivityState.self, from: data)
    }

    /// A chunk whose sound could not be decoded gets a milestone (once); where the exam requires
    /// sound, a chunk without usable sound is an `audio_unavailable` finding over the chunk.
    private func noteAudio(_ result: ChunkProcessor.Result, chunk: ChunkRecord, policy: AudioPolicy) async throws -> [FindingRecord] {
        let status = result.audio.status
        if status == .unreadable {
            let noted = try await store.milestones(sessionId: chunk.sessionId).contains { $0.kind == .audioUnreadable && $0.details.chunk == chunk.index }
            if !noted {
                try await store.addMilestone(
                    MilestoneRecord(
                        sessionId: chunk.sessionId, kind: .audioUnreadable, at: chunk.startedAt ?? Date(),
                        details: MilestoneDetails(chunk: chunk.index, message: String((result.audio.message ?? "").prefix(300)))))
            }
            logger.warning(
                "chunk sound unreadable", metadata: ["session_id": "\(chunk.sessionId)", "chunk": "\(chunk.index)", "error": "\(result.audio.message ?? "")"])
        }
        guard policy == .required, status == .noAudio || status == .unreadable else { return [] }
        var recorder = FindingRecorder(sessionId: chunk.sessionId, source: .audio, weights: configuration.pipeline.risk)
        recorder.wallClockOrigin = chunk.startedAt
        return [
            recorder.add(
                id: UUID().uuidString.lowercased(), kind: .audioUnavailable, start: 0, end: result.duration, confidence: 1, frames: 0,
                chunkIndex: chunk.index, evidenceKey: nil, details: FindingDetails(audioStatus: status.rawValue))
        ]
    }

    // MARK: Batches

    /// Joins every complete batch of processed chunks (indices b*K ..< (b+1)*K) and deletes the chunk files.
    func mergeBatches(session: String) async throws -> Outcome {
        // The finalizer joined everything that was left (and removed the chunk files): nothing to merge.
        if try await store.recording(sessionId: session)?.finalizedAt != nil { return .done }
        let size = max(1, configuration.recording.batchSize)
        let chunks = try await store.chunks(sessionId: session)
        let byBatch = Dictionary(grouping: chunks, by: { $0.index / size })
        for (batch, members) in byBatch.sorted(by: { $0.key < $1.key }) {
            let sorted = members.sorted { $0.index < $1.index }
            guard sorted.count == size, sorted.allSatisfy({ $0.status == .processed }) else { continue }
            let key = BlobKeys.batch(session, batch)
            let output = try blobs.temporaryURL(extension: "webm")
            try await blobs.withLocalFiles(sorted.map(\.blobKey)) { try await VideoTools.concatenate($0, into: output) }
            try await blobs.put(key, movingFileAt: output)
            for var chunk in sorted {
                chunk.status = .merged
                chunk.batchKey = key
                try await store.updateChunk(chunk)
                try await blobs.delete(chunk.blobKey)
            }
            logger.info("batch merged", metadata: ["session_id": "\(session)", "batch": "\(batch)", "chunks": "\(sorted.count)"])
        }
        return .done
    }

    // MARK: Finalize

    func finalize(session: String) async throws -> Outcome {
        guard var recording = try await store.recording(sessionId: session) else { throw VideoToolError("no recorded session \(session)") }
        if recording.finalizedAt != nil { return .done }
        let chunks = try await store.chunks(sessionId: session)
        let last = recording.lastIndex ?? chunks.map(\.index).max() ?? -1
        let settled = chunks.filter { [.processed, .merged, .failed].contains($0.status) }.map(\.index)
        let complete = (0...max(0, last)).allSatisfy { settled.contains($0) } || last < 0
        // An uploaded chunk always has a job that ends in `processed` or `failed` (a killed worker's
        // lease expires and another takes it over): wait for it, however long the grace. The grace
        // period is only for chunks that never arrived.
        if chunks.contains(where: { $0.status == .uploaded }) {
            return .deferred(until: Date().addingTimeInterval(1))
        }
        let waited = Date().timeIntervalSince(recording.endRequestedAt ?? .distantPast)
        if !complete && waited < configuration.recording.finalizeGraceSeconds {
            return .deferred(until: Date().addingTimeInterval(min(2, configuration.recording.finalizeGraceSeconds - waited)))
        }

        // Inputs in index order: whole batches where merged, single processed chunks otherwise.
        var inputs: [String] = []
        for chunk in chunks.sorted(by: { $0.index < $1.index }) {
            switch chunk.status {
            case .merged: if let batch = chunk.batchKey, inputs.last != batch { inputs.append(batch) }
            case .processed: inputs.append(chunk.blobKey)
            case .uploaded, .failed: continue
            }
        }
        let timeline = RecordingTimeline(records: chunks, lastIndex: last)
        var masterDuration = 0.0
        if !inputs.isEmpty {
            let output = try blobs.temporaryURL(extension: "webm")
            try await blobs.withLocalFiles(inputs) { try await VideoTools.concatenate($0, into: output) }
            masterDuration = try await VideoTools.duration(of: output)
            try await blobs.put(BlobKeys.master(session), movingFileAt: output)
            recording.masterKey = BlobKeys.master(session)
        }
        // Place every recorded finding on the master's clock and check it falls inside the video.
        var outside = 0
        var placed: [FindingRecord] = []
        for var finding in try await store.findings(sessionId: session) where finding.source.isFromChunk {
            guard let chunk = finding.chunkIndex else { continue }
            finding.videoStart = finding.chunkStart.flatMap { timeline.time(chunk: chunk, offset: $0) }
            finding.videoEnd = finding.chunkEnd.flatMap { timeline.time(chunk: chunk, offset: $0) }
            if let end = finding.videoEnd, end > masterDuration + 0.5 { outside += 1 }
            try await store.updateFinding(finding)
            placed.append(finding)
        }
        if outside > 0 { logger.error("\(outside) findings fall after the end of the master video", metadata: ["session_id": "\(session)"]) }
        try await joinAcrossChunks(placed, session: session, master: recording.masterKey)
        // The master holds everything now: drop batches and chunk files.
        for key in Set(inputs) { try? await blobs.delete(key) }
        _ = try? await blobs.deleteTree("sessions/\(session)/audio")
        recording.masterDuration = masterDuration
        recording.gaps = timeline.gaps
        recording.finalizedAt = Date()
        try await store.updateRecording(recording)
        try await store.addMilestone(
            MilestoneRecord(
                sessionId: session, kind: .finalized, at: recording.finalizedAt ?? Date(),
                details: MilestoneDetails(masterSeconds: masterDuration)))
        try await store.apply([.sessionEnded(sessionId: session, at: Date(), status: .completed)])
        logger.info("session finalized", metadata: ["session_id": "\(session)", "master_seconds": "\(masterDuration)", "gaps": "\(timeline.gaps)"])
        return .done
    }

    /// Joins the pieces of one incident that chunk boundaries cut, for every kind: a person in view
    /// from 13 s to 22 s is one finding whatever the chunk length, and whichever workers analysed the
    /// chunks, in whatever order (this runs once, when every chunk is in). Pieces join when they are
    /// of one kind, in the same or consecutive chunks, and no further apart on the video than the
    /// episode gap within a chunk (`recording.event_gap_seconds`; for speech the merge gap,
    /// `audio.merge_gap_seconds`) plus the recorder's restart. A joined speech finding gets its
    /// sound cut again from the master; one still shorter than the minimum speech is dropped, as
    /// within a chunk. `findings`: the session's findings from chunks, just placed on the video.
    func joinAcrossChunks(_ findings: [FindingRecord], session: String, master: String?) async throws {
        let audio = configuration.audio
        let speechKinds: Set<ViolationKind> = [.talking, .otherVoice, .speechNoFace]
        let byId = Dictionary(findings.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var removed: [FindingRecord] = []
        for source in [FindingSource.recorded, .audio] {
            let pieces = findings.filter { $0.source == source && $0.type != .audioUnavailable }
            let spans = pieces.compactMap { finding -> SpanJoiner.Span? in
                guard let start = finding.videoStart, let end = finding.videoEnd, let chunk = finding.chunkIndex else { return nil }
                return SpanJoiner.Span(id: finding.id, kind: finding.type.rawValue, start: start, end: end, chunk: chunk)
            }
            let gap = (source == .audio ? audio.mergeGapSeconds : configuration.recording.eventGapSeconds) + Self.recorderRestartSeconds
            for group in SpanJoiner.groups(spans, maximumGap: gap) {
                let members = group.compactMap { byId[$0.id] }
                guard let joined = FindingRecord.joined(members) else { continue }
                let isSpeech = speechKinds.contains(joined.type)
                if members.count > 1 {
                    if isSpeech, let master, let start = joined.videoStart, let end = joined.videoEnd, let key = joined.evidenceKey {
                        let segment = SpeechSegment(start: start, end: end, probability: joined.details.speechProbability ?? 0)
                        do {
                            try await blobs.withLocalFile(master) { url in
                                try await AudioEvidence.save(from: url, segment: segment, key: key, blobs: blobs, settings: audio)
                            }
                        } catch {
                            logger.warning("audio evidence clip failed", metadata: ["session_id": "\(session)", "error": "\(error)"])
                        }
                    }
                    removed += members.dropFirst()
                }
                if isSpeech, (joined.videoEnd ?? 0) - (joined.videoStart ?? 0) < audio.minimumSpeechSeconds {
                    removed.append(joined)
                    continue
                }
                // A blip kept at a chunk's edge that joined nothing is still a blip (see ChunkProcessor).
                if source == .recorded, joined.frames < configuration.recording.minimumEventFrames {
                    removed.append(joined)
                    continue
                }
                if members.count > 1 { try await store.updateFinding(joined) }
            }
        }
        for finding in removed {
            if let key = finding.evidenceKey { try? await blobs.delete(key) }
            try await store.deleteFinding(sessionId: session, id: finding.id)
        }
        if !removed.isEmpty {
            logger.info("findings joined across chunks", metadata: ["session_id": "\(session)", "pieces_joined": "\(removed.count)"])
        }
    }

    /// The moment between two chunks' recorders (one stops, the next starts), seconds.
    static let recorderRestartSeconds = 0.1

    private func withSessionLock(_ job: JobRecord, owner: String, _ body: () async throws -> Outcome) async throws -> Outcome {
        let name = "session:\(job.sessionId)"
        let lease = configuration.recording.jobs.leaseSeconds * 4
        guard try await store.acquireLock(name, owner: owner, now: Date(), expiresAt: Date().addingTimeInterval(lease)) else {
            return .deferred(until: Date().addingTimeInterval(1))
        }
        do {
            let outcome = try await body()
            try await store.releaseLock(name, owner: owner)
            return outcome
        } catch {
            try? await store.releaseLock(name, owner: owner)
            throw error
        }
    }
}
