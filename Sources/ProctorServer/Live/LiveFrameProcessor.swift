import Foundation
import HummingbirdWebSocket
import Logging
import ProctorCore
import ProctorPipeline
import ProctorRecording
import ProctorStore
import ProctorVision

/// The processing side of a live session: pipeline, episodes, evidence, persistence.
struct LiveFrameProcessor {
    let sessionId: String
    let serverSessionId: String
    let connection: UUID
    let services: ProctorServices
    let pool: VisionWorkerPool
    let logger: Logger
    private var pipeline: DetectionPipeline
    private var episodes: EpisodeTracker
    private var findings: FindingRecorder
    private(set) var statistics = SessionStatistics()
    private var lastSummaryWrite = ContinuousClock.now
    /// The live identity check (`recording.identity_interval_seconds`), as recorded chunks do it.
    private var identity: IdentityCheck
    private var reference: FaceEmbedding?
    private var noReferenceNoted = false
    /// The session has no recording (a live-only stream): no reference can be enrolled.
    private var isLiveOnly = false
    /// The accommodated weights, for the identity points the pipeline does not score.
    private let weights: RiskWeights

    /// - Parameter accommodation: the candidate's profile; it lowers or removes the weight of named findings in the risk score.
    /// - Parameter calibration: the session's stored gaze calibration; without one the pipeline calibrates itself and it is stored.
    init(
        sessionId: String, serverSessionId: String, connection: UUID, services: ProctorServices, pool: VisionWorkerPool,
        accommodation: Accommodation? = nil, calibration: GazeCalibration? = nil, logger: Logger
    ) {
        self.sessionId = sessionId
        self.serverSessionId = serverSessionId
        self.connection = connection
        self.services = services
        self.pool = pool
        self.logger = logger
        var configuration = services.configuration.pipeline
        configuration.risk = configuration.risk.accommodating(accommodation)
        pipeline = DetectionPipeline(sessionId: sessionId, configuration: configuration, pool: pool, calibration: calibration)
        episodes = EpisodeTracker(closeAfter: services.configuration.server.episodeGapSeconds)
        identity = IdentityCheck(interval: services.configuration.recording.identityIntervalSeconds, configuration: configuration.identity)
        weights = configuration.risk
        findings = FindingRecorder(sessionId: serverSessionId, source: .live, weights: services.configuration.pipeline.risk)
    }

    mutating func run(mailbox: FrameMailbox, outbound: WebSocketOutboundWriter) async {
        while let frame = await mailbox.next() {
            let dropped = await mailbox.takeDropped()
            if dropped > 0 {
                pipeline.noteDroppedFrames(dropped)
                statistics.droppedFrames += dropped
                services.metrics.framesDropped.increment(by: dropped)
            }
            do {
                var outcome = try await pipeline.process(encodedFrame: frame.bytes, timestamp: frame.timestamp)
                await checkIdentity(&outcome, timestamp: frame.timestamp)
                try? await outbound.write(.text(String(decoding: try outcome.message.jsonData(), as: UTF8.self)))
                await record(outcome, timestamp: frame.timestamp)
            } catch let error as VisionError {
                let reply = ClientMessageError(frame: error)
                if reply.code == .internalError { logger.error("frame analysis failed: \(error)") }
                services.metrics.error(reply.code)
                try? await outbound.write(.text(ServerMessage.error(reply)))
            } catch {
                logger.error("frame analysis failed: \(error)")
                services.metrics.error(.internalError)
                try? await outbound.write(.text(ServerMessage.error(ClientMessageError(.internalError, "the frame could not be analysed"))))
            }
        }
        await finish()
    }

    private mutating func record(_ outcome: FrameOutcome, timestamp: Double) async {
        let message = outcome.message
        guard let observation = outcome.observation, let risk = outcome.risk else {
            statistics.recordSkipped(at: timestamp)
            services.metrics.framesSkipped.increment()
            await services.registry.update(sessionId: sessionId, connection: connection) {
                $0.framesSkipped += 1
                $0.framesDropped = statistics.droppedFrames
            }
            return
        }
        services.metrics.framesProcessed.increment()
        services.metrics.record(message.metadata)
        if let calibration = outcome.newCalibration { await store(calibration) }
        statistics.recordProcessed(risk: risk, at: timestamp)
        var writes: [StoreWrite] = [
            .detection(
                DetectionRecord(
                    sessionId: serverSessionId, timestamp: timestamp, recordedAt: Date(), faceCount: observation.faceCount,
                    personCount: observation.personCount, yaw: observation.pose?.yaw, pitch: observation.pose?.pitch, roll: observation.pose?.roll,
                    deviation: observation.isDeviation, forbiddenItems: observation.forbiddenItems.map(\.name).joined(separator: ","),
                    riskScore: risk.score, alertLevel: risk.level.rawValue, processingMs: message.metadata.processingTimeMs
                ))
        ]
        let changes = episodes.update(findings: Finding.from(risk), at: timestamp) { UUID().uuidString.lowercased() }
        for episode in changes.opened {
            statistics.recordEpisode(episode)
            let key = await saveEvidence(outcome.frame, findingId: episode.id)
            writes.append(.finding(findings.open(episode, evidenceKey: key, details: FindingDetails(identity, kind: episode.kind))))
        }
        // A missing face in poor light says so, and weighs less.
        if observation.isPoorlyLit, let noFace = episodes.openEpisodes.first(where: { $0.kind == .noFace }),
            let record = findings.notePoorLighting(noFace.id)
        {
            writes.append(.finding(record))
        }
        for episode in changes.strengthened {
            if let record = findings.update(episode, details: FindingDetails(identity, kind: episode.kind)) { writes.append(.finding(record)) }
        }
        for episode in changes.closed {
            if let record = findings.update(episode, details: FindingDetails(identity, kind: episode.kind)) { writes.append(.finding(record)) }
            findings.forget(episode.id)
        }
        if lastSummaryWrite.secondsElapsed > 5 {
            writes.append(.summary(summaryRecord()))
            lastSummaryWrite = .now
        }
        await services.writer.enqueue(writes)
        let lastViolation = changes.opened.last?.kind.rawValue
        let dropped = statistics.droppedFrames
        await services.registry.update(sessionId: sessionId, connection: connection) { entry in
            entry.framesProcessed += 1
            entry.framesDropped = dropped
            entry.lastRiskScore = risk.score
            entry.lastAlertLevel = risk.level
            if let lastViolation {
                entry.lastViolation = lastViolation
                entry.lastViolationAt = Date()
            }
        }
    }

    /// Compares the main face with the enrolled reference when a check is due (on the shared CV pool,
    /// every few seconds, not per frame), and while the last check said "not the same person" adds
    /// `identity_mismatch` to the frame's risk, so the tile, the live alerts and the findings show it.
    /// Without a reference photo it notes so once (a milestone), never a finding.
    private mutating func checkIdentity(_ outcome: inout FrameOutcome, timestamp: Double) async {
        guard var risk = outcome.risk, let observation = outcome.observation else { return }
        if observation.faceCount >= 1, identity.isDue(at: timestamp) {
            // Read again at each due check until there is one (the candidate may enrol after connecting);
            // a live-only session has no recording to enrol into, so it is read once.
            if reference == nil, !isLiveOnly {
                do {
                    let recording = try await services.recordings.recording(sessionId: serverSessionId)
                    isLiveOnly = recording == nil
                    reference = recording?.referenceEmbedding.map(FaceEmbedding.init)
                } catch {
                    logger.warning("cannot read the reference photo's embedding: \(error)")
                }
            }
            if let reference {
                let frame = outcome.frame
                do {
                    let similarity = try await pool.run { models in try models.similarity(ofLargestFaceIn: frame, to: reference) }
                    if let similarity { identity.record(similarity, at: timestamp) }
                } catch {
                    logger.warning("live identity check failed: \(error)")
                }
            } else if !noReferenceNoted {
                noReferenceNoted = true
                logger.info("no reference photo: identity is not checked live")
                try? await services.recordings.addMilestone(
                    MilestoneRecord(
                        sessionId: serverSessionId, kind: .noReference, at: Date(),
                        details: MilestoneDetails(message: "No reference photo: identity is not checked live")))
            }
        }
        guard let mismatch = identity.finding(at: timestamp) else { return }
        let points = weights.points(for: .identityMismatch)
        let similarity = identity.lastSimilarity ?? 0
        risk.violations.append(
            .init(
                kind: .identityMismatch, points: points, confidence: mismatch.confidence,
                message: String(format: "The face in view may not be the enrolled candidate (similarity %.2f)", similarity)))
        risk.score += points
        risk.level = AlertLevel(score: risk.score)
        risk.recommendations.append("Compare the face in view with the reference photo")
        outcome.risk = risk
        outcome.message.risk = RiskReport(risk)
    }

    /// Keeps the automatic gaze calibration with the session (unless the candidate's calibration step
    /// stored one meanwhile), so a reconnection and the recorded chunks use the same centre.
    private func store(_ calibration: GazeCalibration) async {
        do {
            let stored = try await services.recordings.saveGazeCalibration(
                GazeCalibrationRecord(sessionId: serverSessionId, calibration: calibration, createdAt: Date()))
            if stored.calibration == calibration {
                try await services.recordings.addMilestone(
                    MilestoneRecord(
                        sessionId: serverSessionId, kind: .gazeCalibrated, at: Date(),
                        details: MilestoneDetails(calibration: calibration.source.rawValue)))
            }
        } catch {
            logger.warning("cannot store the gaze calibration: \(error)")
        }
    }

    /// Closes open episodes and writes the final summary.
    private mutating func finish() async {
        var writes: [StoreWrite] = episodes.finish().compactMap { episode in findings.update(episode).map(StoreWrite.finding) }
        writes.append(.summary(summaryRecord()))
        await services.writer.enqueue(writes)
    }

    /// Stores the frame that opened a finding as its evidence, in the blob store every server reads.
    private func saveEvidence(_ frame: Image, findingId: String) async -> String? {
        let quality = services.configuration.server.evidenceQuality
        let key = BlobKeys.evidence(serverSessionId, findingId)
        do {
            let jpeg = try await pool.run { _ in try frame.jpegData(quality: quality) }
            try await services.blobs.write(key, data: Data(jpeg))
            return key
        } catch {
            logger.error("cannot save evidence: \(error)")
            return nil
        }
    }

    private func summaryRecord() -> SessionSummaryRecord {
        return SessionSummaryRecord(
            sessionId: serverSessionId, totalFrames: statistics.totalFrames, processedFrames: statistics.processedFrames,
            skippedFrames: statistics.skippedFrames, droppedFrames: statistics.droppedFrames, violationCount: statistics.violationCount,
            violationBreakdown: statistics.violations, maxRisk: statistics.maximumRisk, averageRisk: statistics.averageRisk,
            highestAlert: statistics.highestAlert.rawValue, duration: statistics.duration, updatedAt: Date()
        )
    }
}
