import Foundation
import ProctorCore
import ProctorVision

/// The analysis of one session's frames, in order: sampling, preprocessing, the face and object
/// paths, behaviour window and risk, and the analysis message. An encoded (live) frame goes through
/// decoding and both paths in one trip to one CV worker; a decoded (recorded) frame's two paths run
/// on two workers at the same time.
///
/// A value owned by one task (the session's loop, or a command-line run): frames must be given one
/// at a time. The blocking CV work runs on the shared `VisionWorkerPool`; the decisions are the pure
/// types of ProctorCore.
public struct DetectionPipeline: Sendable {
    public let sessionId: String
    public let configuration: PipelineConfiguration
    private let pool: VisionWorkerPool
    private let preprocessor: FramePreprocessor
    private let scorer: RiskScorer
    private var sampler: AdaptiveSampler
    private var deviation: DeviationTracker
    private var eyeGaze: EyeGazeTracker
    private var eyeSchedule: EyeSchedule
    /// The eye crops at the iris's last measurement, to tell whether the eyes changed since.
    private var eyeSignatures: [EyeSide: MotionSignature] = [:]
    private var window: BehaviourWindow
    private var cadence: ObjectDetectionCadence
    private var lastObjects: [ObjectDetection]?
    private var previousSignature: MotionSignature?
    /// The face followed between detections (`FaceTrackingRule`).
    private var trackedFace: TrackedFace?
    private var lastMessage: AnalysisMessage?
    /// Frames the caller discarded unseen because newer ones had arrived (see `noteDroppedFrames`).
    public private(set) var droppedFrames = 0

    /// - Parameter calibration: the session's stored gaze calibration; without one the pipeline
    ///   calibrates from the first near-frontal seconds and reports it in `FrameOutcome.newCalibration`.
    public init(sessionId: String, configuration: PipelineConfiguration, pool: VisionWorkerPool, calibration: GazeCalibration? = nil) {
        self.sessionId = sessionId
        self.configuration = configuration
        self.pool = pool
        preprocessor = FramePreprocessor(configuration: configuration.preprocessing)
        scorer = RiskScorer(weights: configuration.risk)
        sampler = AdaptiveSampler(configuration: configuration.sampling)
        deviation = DeviationTracker(configuration: configuration.gaze)
        eyeGaze = EyeGazeTracker(configuration: configuration.gaze.eyes, calibration: calibration)
        eyeSchedule = EyeSchedule(configuration: configuration.gaze.eyes)
        window = BehaviourWindow(capacity: max(1, configuration.behaviourWindow))
        cadence = ObjectDetectionCadence(interval: configuration.objects.interval, phase: ObjectDetectionCadence.phase(for: sessionId))
    }

    public var performance: FrameMetadata.Performance {
        FrameMetadata.Performance(
            totalFrames: sampler.totalFrames + droppedFrames,
            processedFrames: sampler.processedFrames,
            skippedFrames: sampler.skippedFrames,
            droppedFrames: droppedFrames
        )
    }

    /// The gaze calibration in use: given, or automatic once complete; nil before.
    public var gazeCalibration: GazeCalibration? { eyeGaze.calibration }

    /// Records frames that were never analysed because the session was busy with an earlier one.
    public mutating func noteDroppedFrames(_ count: Int) {
        droppedFrames += max(0, count)
    }

    /// Decodes an encoded image (JPEG, PNG…) and analyses it.
    ///
    /// Decoding, sampling, the face path and the object path run in one trip to one CV worker, one
    /// after the other, so a decoded frame (0.9 MB at 640x480) never waits in the pool's queue: only
    /// the encoded bytes (tens of KB) do. With the decoded frame handed back between the stages,
    /// under load dozens of decoded frames waited for a worker at once (46 MB of a 40-session
    /// server's heap at its peak, heaptrack). Throughput is the same, the workers being busy either
    /// way; an idle server answers a frame with an object pass a few milliseconds later than with
    /// the two paths on two workers (README, Performance).
    public mutating func process(encodedFrame bytes: [UInt8], timestamp: Double) async throws -> FrameOutcome {
        let received = ContinuousClock.now
        let maximumPixels = configuration.maximumImagePixels
        let sampling = configuration.sampling.enabled
        let previous = previousSignature
        let sampler = self.sampler
        let inputs = detectionInputs(at: timestamp)
        let trip = try await pool.run { models in
            let started = ContinuousClock.now
            let image = try Image.decode(bytes, maximumPixels: maximumPixels)
            let decodeMs = started.millisecondsElapsed
            let motion = sampling ? try Self.motion(of: image, against: previous) : nil
            var decided = sampler
            let decision = decided.decide(motionScore: motion?.score, at: timestamp)
            guard decision.shouldProcess else {
                return EncodedFrameTrip(frame: image, decodeMs: decodeMs, motion: motion, sampler: decided, decision: decision, detection: nil)
            }
            let detectionStarted = ContinuousClock.now
            let region = inputs.region(frameWidth: image.width, frameHeight: image.height)
            let faces = try inputs.analyseFaces(in: image, region: region, models: models)
            let objects = inputs.runObjects ? try inputs.detectObjects(in: image, region: region, models: models) : nil
            let detection = FrameDetection(faces: faces, objectPass: objects, region: region, milliseconds: detectionStarted.millisecondsElapsed)
            return EncodedFrameTrip(frame: image, decodeMs: decodeMs, motion: motion, sampler: decided, decision: decision, detection: detection)
        }
        var stages = StageTimings()
        stages.decodeMs = trip.decodeMs
        if let motion = trip.motion {
            previousSignature = motion.signature
            stages.samplingMs = motion.milliseconds
        }
        self.sampler = trip.sampler
        guard let detection = trip.detection else {
            return skipped(frame: trip.frame, timestamp: timestamp, decision: trip.decision, stages: stages, received: received)
        }
        return conclude(
            frame: trip.frame, timestamp: timestamp, received: received, decision: trip.decision, stages: stages, detection: detection)
    }

    /// Analyses a decoded frame at `timestamp` seconds.
    public mutating func process(frame: Image, timestamp: Double) async throws -> FrameOutcome {
        var motion: SamplingMotion?
        if configuration.sampling.enabled {
            let previous = previousSignature
            motion = try await pool.run { _ in try Self.motion(of: frame, against: previous) }
        }
        return try await process(frame: frame, timestamp: timestamp, received: .now, motion: motion)
    }

    /// A frame's motion signature, its score against the previous frame's (nil for the first frame),
    /// and what measuring it cost.
    typealias SamplingMotion = (signature: MotionSignature, score: Double?, milliseconds: Double)

    static func motion(of frame: Image, against previous: MotionSignature?) throws -> SamplingMotion {
        let started = ContinuousClock.now
        let signature = try MotionSignature.ofFrame(frame)
        return (signature, previous.flatMap { signature.score(against: $0) }, started.millisecondsElapsed)
    }

    /// A decoded frame: the face path and the object path on two workers at the same time.
    private mutating func process(
        frame: Image, timestamp: Double, received: ContinuousClock.Instant, motion sampled: SamplingMotion?
    ) async throws -> FrameOutcome {
        var stages = StageTimings()

        // 1. Sampling: motion against the previous frame (measured on the worker), then the pure decision.
        var motion: Double?
        if let sampled {
            previousSignature = sampled.signature
            motion = sampled.score
            stages.samplingMs = sampled.milliseconds
        }
        let decision = sampler.decide(motionScore: motion, at: timestamp)
        guard decision.shouldProcess else {
            return skipped(frame: frame, timestamp: timestamp, decision: decision, stages: stages, received: received)
        }

        // 2 and 3. The face path (which preprocesses what its models see) and the object path at the same time.
        let inputs = detectionInputs(at: timestamp)
        let region = inputs.region(frameWidth: frame.width, frameHeight: frame.height)
        let detectionStarted = ContinuousClock.now
        async let faceWork = pool.run { models in try inputs.analyseFaces(in: frame, region: region, models: models) }
        async let objectWork: ObjectPassResult? =
            inputs.runObjects ? pool.run { models in try inputs.detectObjects(in: frame, region: region, models: models) } : nil
        let faces = try await faceWork
        let objectPass = try await objectWork
        let detection = FrameDetection(faces: faces, objectPass: objectPass, region: region, milliseconds: detectionStarted.millisecondsElapsed)
        return conclude(frame: frame, timestamp: timestamp, received: received, decision: decision, stages: stages, detection: detection)
    }

    /// What the face and object paths need from the pipeline's state for a frame at `timestamp`.
    private func detectionInputs(at timestamp: Double) -> DetectionInputs {
        DetectionInputs(
            timestamp: timestamp, roi: configuration.roi, faces: configuration.faces, eyes: configuration.gaze.eyes, eyeSchedule: eyeSchedule,
            eyeSignatures: eyeSignatures, preprocessor: preprocessor, tracked: trackedFace,
            runObjects: configuration.objects.enabled && cadence.isDue(at: timestamp), objectsOnPreprocessed: configuration.objects.usePreprocessedFrame)
    }

    /// Steps 4 and on: the paths' results into the pipeline's state, behaviour, risk and the message.
    private mutating func conclude(
        frame: Image, timestamp: Double, received: ContinuousClock.Instant, decision: SamplingDecision, stages initial: StageTimings,
        detection: FrameDetection
    ) -> FrameOutcome {
        var stages = initial
        let faces = detection.faces
        let objectPass = detection.objectPass
        let region = detection.region
        let detectionMs = detection.milliseconds
        let preprocessMs = faces.preprocessMs
        stages.preprocessMs = preprocessMs
        stages.faceDetectMs = faces.faceDetectMs
        // On a followed frame the mesh on the followed crop is the landmark step.
        stages.landmarksPoseMs = faces.landmarksPoseMs + faces.trackMs
        trackedFace = faces.tracking
        stages.irisMs = faces.irisMs
        stages.lightMs = faces.lightMs
        // The mesh that confirms a dark frame's weaker candidate is part of finding the face.
        stages.faceDetectMs += faces.secondPassMs
        if let objectPass {
            stages.objectsMs = objectPass.milliseconds
            lastObjects = objectPass.detections
            cadence.recordRun(at: timestamp)
        }

        // 4. Behaviour and risk.
        let scoringStarted = ContinuousClock.now
        let classes = configuration.objects.classes
        let detections = lastObjects ?? []
        let forbidden = detections.compactMap { detection in
            classes.forbiddenClass(for: detection.classId).map { ForbiddenItem(name: $0.name, confidence: detection.confidence, box: detection.box) }
        }
        let personScores = lastObjects.map { $0.filter { $0.classId == classes.personClassId }.map(\.confidence).sorted(by: >) }
        let persons = personScores?.count
        let faceScores = faces.faces.map(\.score).sorted(by: >)
        // No usable landmarks on a detected face (turned too far for the mesh) counts as looking away.
        let lookingAway = !faces.faces.isEmpty && (faces.pose.map(configuration.gaze.isDeviation) ?? true)
        let deviationSeconds = deviation.update(isDeviation: lookingAway, at: timestamp)
        if let signatures = faces.eyeSignatures { self.eyeSignatures = signatures }
        let eyes = eyeGaze.update(self.eyeSchedule.observation(measured: faces.eyes, pose: faces.pose, at: timestamp), at: timestamp)
        let observation = FrameObservation(
            timestamp: timestamp, faceCount: faces.faces.count, pose: faces.pose, isDeviation: lookingAway,
            deviationDuration: deviationSeconds, personCount: persons, forbiddenItems: forbidden,
            eyesOffScreen: eyes.report.offScreen, eyesOffScreenDuration: eyes.report.offScreenDuration, eyesConfidence: eyes.report.confidence,
            light: faces.light, lightCondition: faces.lightCondition,
            lookingAwayStrength: FindingConfidence.lookingAway(yaw: faces.pose?.yaw, pitch: faces.pose?.pitch, configuration: configuration.gaze),
            secondFaceScore: faceScores.count > 1 ? faceScores[1] : nil,
            secondPersonScore: (personScores?.count ?? 0) > 1 ? personScores?[1] : nil
        )
        window.append(observation)
        let behaviour = window.summary
        let risk = scorer.assess(observation, behaviour: behaviour)
        stages.behaviourRiskMs = scoringStarted.millisecondsElapsed

        let processingMs = received.millisecondsElapsed
        stages.queueMs = max(0, processingMs - stages.decodeMs - stages.samplingMs - detectionMs - stages.behaviourRiskMs)
        let main = faces.faces.first
        let message = AnalysisMessage(
            sessionId: sessionId,
            timestamp: timestamp,
            gaze: GazeReport(
                faceDetected: main != nil, deviation: lookingAway, pose: faces.pose, deviationDuration: deviationSeconds,
                landmarksCount: faces.landmarksCount, confidence: main.map { $0.score * faces.presence } ?? 0, faceCount: faces.faces.count,
                eyes: eyes.report
            ),
            objects: ObjectsReport(
                personCount: persons,
                forbiddenItems: forbidden.map(ForbiddenItemReport.init),
                allDetections: detections.map(DetectionReport.init),
                confidence: detections.map(\.confidence).max() ?? 0,
                fresh: objectPass != nil,
                ageSeconds: cadence.age(at: timestamp)
            ),
            behavior: BehaviorReport(behaviour),
            risk: RiskReport(risk),
            metadata: metadata(
                timestamp: timestamp, decision: decision, stages: stages, processingMs: processingMs,
                detectionMs: detectionMs, region: region, skipped: false, light: faces.light.map { ($0, faces.lightCondition, faces.foundBySecondPass) }),
            faces: faces.faces.map { FaceReport(box: $0.box, score: $0.score, keypoints: $0.keypoints) }
        )
        lastMessage = message
        var outcome = FrameOutcome(message: message, frame: frame, observation: observation, risk: risk, newCalibration: eyes.newCalibration)
        outcome.mouth = MouthSample(timestamp: timestamp, faceCount: faces.faces.count, opening: faces.mouthOpening)
        outcome.mainFace = main
        return outcome
    }

    /// A skipped frame repeats the last analysis with fresh metadata, so every reply has the same shape.
    private func skipped(frame: Image, timestamp: Double, decision: SamplingDecision, stages: StageTimings, received: ContinuousClock.Instant) -> FrameOutcome {
        let processingMs = received.millisecondsElapsed
        var message = lastMessage ?? AnalysisMessage.empty(sessionId: sessionId)
        message.timestamp = timestamp
        message.metadata = metadata(
            timestamp: timestamp, decision: decision, stages: stages, processingMs: processingMs,
            detectionMs: 0, region: nil, skipped: true)
        message.objects.fresh = false
        message.objects.ageSeconds = cadence.age(at: timestamp)
        return FrameOutcome(message: message, frame: frame, observation: nil, risk: nil)
    }

    private func metadata(
        timestamp: Double, decision: SamplingDecision, stages: StageTimings, processingMs: Double,
        detectionMs: Double, region: PixelRegion?, skipped: Bool,
        light: (measurement: LightMeasurement, condition: LightCondition, foundBySecondPass: Bool)? = nil
    ) -> FrameMetadata {
        let pre = configuration.preprocessing
        return FrameMetadata(
            sessionId: sessionId,
            timestamp: timestamp,
            processingTimeMs: processingMs,
            preprocessingTimeMs: stages.preprocessMs,
            detectionTimeMs: detectionMs,
            frameWithinTimeout: processingMs <= configuration.frameTimeoutMs,
            frameSkipped: skipped,
            preprocessing: .init(
                enabled: preprocessor.isActive,
                config: .init(claheEnabled: pre.enabled && pre.claheEnabled, bilateralEnabled: pre.enabled && pre.bilateralEnabled, gamma: pre.gamma),
                roi: .init(enabled: configuration.roi.enabled, region: region.map { [$0.x, $0.y, $0.width, $0.height] }),
                sampling: .init(decision),
                light: light.map { light in
                    let rule = LightingRule(configuration: pre.lowLight)
                    return .init(
                        meanLuma: light.measurement.meanLuma, noise: light.measurement.noise, condition: light.condition,
                        adapted: pre.enabled && light.condition != .good, gamma: rule.brighteningGamma(for: light.measurement),
                        foundBySecondPass: light.foundBySecondPass)
                }
            ),
            performance: performance,
            stages: stages
        )
    }
}

/// The result of giving the pipeline one frame.
public struct FrameOutcome: Sendable {
    /// The reply for this frame; `metadata.frame_skipped` tells whether the detectors ran.
    public var message: AnalysisMessage
    /// The decoded frame, for evidence snapshots.
    public var frame: Image
    /// What was seen, nil when the frame was skipped.
    public var observation: FrameObservation?
    /// The frame's risk with its violations, nil when skipped.
    public var risk: RiskAssessment?
    /// Set on the frame that completed the automatic gaze calibration: store it with the session.
    public var newCalibration: GazeCalibration?
    /// The main face's mouth (for speech attribution) and the face itself, on processed frames.
    public var mouth: MouthSample?
    public var mainFace: DetectedFace?

    public init(message: AnalysisMessage, frame: Image, observation: FrameObservation?, risk: RiskAssessment?, newCalibration: GazeCalibration? = nil) {
        self.message = message
        self.frame = frame
        self.observation = observation
        self.risk = risk
        self.newCalibration = newCalibration
    }

    public var isSkipped: Bool { message.metadata.frameSkipped }
}

extension AnalysisMessage {
    /// A message with nothing seen yet.
    static func empty(sessionId: String) -> AnalysisMessage {
        AnalysisMessage(
            sessionId: sessionId, timestamp: 0,
            gaze: GazeReport(faceDetected: false, deviation: false, pose: nil, deviationDuration: 0, landmarksCount: 0, confidence: 0, faceCount: 0),
            objects: ObjectsReport(personCount: nil, forbiddenItems: [], allDetections: [], confidence: 0, fresh: false, ageSeconds: nil),
            behavior: BehaviorReport(BehaviourWindow().summary),
            risk: RiskReport(
                RiskScorer().assess(
                    FrameObservation(timestamp: 0, faceCount: 1, pose: nil, isDeviation: false, deviationDuration: 0, personCount: nil, forbiddenItems: []),
                    behaviour: BehaviourWindow().summary)),
            metadata: FrameMetadata(
                sessionId: sessionId, timestamp: 0, processingTimeMs: 0, preprocessingTimeMs: 0, detectionTimeMs: 0,
                frameWithinTimeout: true, frameSkipped: true,
                preprocessing: .init(
                    enabled: false, config: .init(claheEnabled: false, bilateralEnabled: false, gamma: 1),
                    roi: .init(enabled: false, region: nil),
                    sampling: .init(SamplingDecision(shouldProcess: false, reason: .still, motionScore: 0, skipRatio: 0))),
                performance: .init(totalFrames: 0, processedFrames: 0, skippedFrames: 0, droppedFrames: 0),
                stages: StageTimings()
            ),
            faces: []
        )
    }
}
