import Foundation
import ProctorCore
import ProctorVision

/// The two detection paths of a frame, run on a CV worker with that worker's models.
extension VisionModels {
    /// Faces, then landmarks and head pose of the largest face. Preprocessing is applied to what
    /// each model sees: the downscaled frame for detection and the mesh crop, not the whole frame.
    /// `eyes`: the iris on the main face's eyes when `schedule` says so (never when eye gaze is
    /// off); `previousSignatures`: the eye crops' signatures at the last measurement.
    /// `tracked`: the face followed from the previous frames (`FaceTrackingRule`); when the rule
    /// allows, the detector is skipped and the mesh takes its crop from those landmarks. The result's
    /// `tracking` is what the next frame follows.
    func analyseFaces(
        in frame: Image, at timestamp: Double, region: PixelRegion?, configuration: FaceConfiguration, eyes: EyeGazeConfiguration,
        schedule: EyeSchedule, previousSignatures: [EyeSide: MotionSignature], preprocessor: FramePreprocessor, tracked: TrackedFace? = nil
    ) throws -> FacePathResult {
        var result = FacePathResult()
        var preprocessMs = 0.0
        var lightMs = 0.0
        var light: LightMeasurement?
        // The frame's light is measured on the first image the detector sees (the frame at the
        // detection width, before preprocessing); a dark frame's preprocessing is adapted to it, for
        // the detector's input and the mesh crop alike.
        var adapted = preprocessor
        let prepare = { (image: Image) throws(VisionError) -> Image in
            let started = ContinuousClock.now
            defer { preprocessMs += started.millisecondsElapsed }
            return try adapted.process(image)
        }
        let prepareDetection = { (image: Image) throws(VisionError) -> Image in
            if light == nil {
                let started = ContinuousClock.now
                let measured = try image.light()
                light = measured
                adapted = preprocessor.adapted(to: measured)
                lightMs = started.millisecondsElapsed
            }
            return try prepare(image)
        }
        let lowLight = preprocessor.configuration.lowLight
        let rule = LightingRule(configuration: lowLight)
        var mainLandmarks: FaceLandmarks?
        if let tracked, region == nil, configuration.tracking {
            // The light of what the detector would see, measured as it would measure it.
            let lightStarted = ContinuousClock.now
            let measured = try frame.downscaled(toWidth: configuration.detectionWidth).image.light()
            light = measured
            adapted = preprocessor.adapted(to: measured)
            lightMs = lightStarted.millisecondsElapsed
            let decision = configuration.trackingRule.decide(
                lastDetection: tracked.detectedAt, tracking: true, light: rule.condition(of: measured), at: timestamp)
            if decision == .track {
                let trackStarted = ContinuousClock.now
                let before = preprocessMs
                let face = tracked.followed
                let landmarks = try landmarker.landmarks(of: face, in: frame, preparing: prepare)
                if landmarks.presence >= configuration.minimumLandmarkPresence {
                    result.faces = [face] + tracked.others
                    result.tracked = true
                    mainLandmarks = landmarks
                }
                // Otherwise lost: the detector looks again on this frame, and the mesh runs on what it finds.
                result.trackMs = trackStarted.millisecondsElapsed - (preprocessMs - before)
            }
        }
        var detection: (faces: [DetectedFace], candidates: [DetectedFace]) = (result.faces, [])
        let (searchArea, offset) = try region.crop(frame)
        if !result.tracked {
            let started = ContinuousClock.now
            let before = preprocessMs
            let lightBefore = lightMs
            detection = try faceDetector.detectWithCandidates(in: searchArea, offset: offset, preparing: prepareDetection)
            result.faces = detection.faces
            result.faceDetectMs = started.millisecondsElapsed - (preprocessMs - before) - (lightMs - lightBefore)
        }
        result.light = light
        result.lightMs = lightMs
        result.lightCondition = light.map(rule.condition) ?? .good
        let secondDetection = lowLight.secondPassDenoiseKernel > 1 || lowLight.secondPassMirrored
        if result.faces.isEmpty, result.lightCondition != .good, secondDetection, adapted.configuration.enabled {
            // A dark frame without a face: look again, through a stronger blur (the noise hides faces
            // the first pass's blur keeps too noisy) and/or at the mirrored input. What it finds is a
            // candidate, first in line for the face mesh's confirmation: unconfirmed, it found a face in
            // a dark empty desk.
            let secondStarted = ContinuousClock.now
            let before = preprocessMs
            var variant = adapted.configuration
            if lowLight.secondPassDenoiseKernel > 1 { variant.denoiseKernel = lowLight.secondPassDenoiseKernel }
            let second = FramePreprocessor(configuration: variant)
            let preparing = { (image: Image) throws(VisionError) -> Image in
                let started = ContinuousClock.now
                defer { preprocessMs += started.millisecondsElapsed }
                return try second.process(image)
            }
            let again =
                lowLight.secondPassMirrored
                ? try faceDetector.detectMirroredWithCandidates(in: searchArea, offset: offset, preparing: preparing)
                : try faceDetector.detectWithCandidates(in: searchArea, offset: offset, preparing: preparing)
            detection.candidates = again.faces + (detection.candidates + again.candidates).sorted { $0.box.area > $1.box.area }
            result.secondPassMs += secondStarted.millisecondsElapsed - (preprocessMs - before)
        }
        if result.faces.isEmpty, result.lightCondition != .good, lowLight.secondPassScore > 0, let candidate = detection.candidates.first {
            // A dark frame without a face at the threshold: its largest weaker candidate is a face when
            // the face mesh, on the adapted crop, says so and puts the eyes, nose and mouth where the
            // detector put them.
            let confirmStarted = ContinuousClock.now
            let before = preprocessMs
            let landmarks = try landmarker.landmarks(of: candidate, in: frame, preparing: prepare)
            result.secondPassMs += confirmStarted.millisecondsElapsed - (preprocessMs - before)
            let agrees =
                lowLight.confirmationAgreement <= 0 || (landmarks.keypointDeviation(from: candidate) ?? .infinity) <= lowLight.confirmationAgreement
            if landmarks.presence >= lowLight.confirmationPresence, agrees {
                result.faces = [candidate]
                result.foundBySecondPass = true
                mainLandmarks = landmarks
            }
        }
        if let main = result.faces.first {
            let poseStarted = ContinuousClock.now
            let before = preprocessMs
            let landmarks = try mainLandmarks ?? landmarker.landmarks(of: main, in: frame, preparing: prepare)
            result.landmarksCount = landmarks.points.count
            result.presence = landmarks.presence
            if landmarks.presence >= configuration.minimumLandmarkPresence {
                result.pose = try poseEstimator.pose(of: landmarks.points, frameWidth: frame.width, frameHeight: frame.height)
                result.mouthOpening = MouthSample.opening(of: landmarks.points)
                // What the next frame follows: a face found by the detector (not by the dark path's
                // second pass) or followed here, with its landmarks.
                if !result.foundBySecondPass {
                    result.tracking =
                        result.tracked
                        ? tracked?.following(landmarks.points)
                        : TrackedFace(detected: main, landmarks: landmarks.points, others: Array(result.faces.dropFirst()), at: timestamp)
                }
            }
            result.landmarksPoseMs = poseStarted.millisecondsElapsed - (preprocessMs - before)
            if result.pose != nil, eyes.enabled, let irisLandmarker {
                // The eyes of the raw frame: the iris crops are small, and CLAHE's tiles would be a few pixels.
                let irisStarted = ContinuousClock.now
                let crops = try irisLandmarker.crops(of: landmarks, in: frame, cropScale: eyes.cropScale, minimumWidth: eyes.minimumEyeWidth)
                var signatures: [EyeSide: MotionSignature] = [:]
                for case (let side, let crop?) in crops { signatures[side] = try MotionSignature(of: crop.image, kernel: Self.eyeSignatureKernel) }
                // A real change of gaze moves both eyes; noise and compression rarely change both at once.
                let changes = signatures.map { side, signature in previousSignatures[side].flatMap { signature.score(against: $0) } }
                let change = changes.isEmpty || changes.contains(where: { $0 == nil }) ? nil : changes.compactMap { $0 }.min()
                if schedule.shouldMeasure(change: change, at: timestamp) {
                    let up = IrisLandmarker.faceUp(landmarks)
                    var measured: [EyeSide: EyeMeasurement?] = [:]
                    for (side, crop) in crops {
                        measured[side] = try crop.flatMap { crop throws in try irisLandmarker.landmarks(in: crop) }.flatMap { EyeGeometry.measure($0, up: up) }
                    }
                    result.eyes = measured
                    result.eyeSignatures = signatures
                }
                result.irisMs = irisStarted.millisecondsElapsed
            }
        }
        result.preprocessMs = preprocessMs
        return result
    }

    /// Blur of the eye crops' change signatures: 9x9 on a 64x64 crop keeps the iris (about 25 px
    /// across) and smooths compression noise.
    static let eyeSignatureKernel = 9

    /// Faces, landmarks, head pose and both eyes of one still image, as the pipeline sees them (for
    /// the calibration step's frames): eyes nil without a face, usable landmarks or a measurable eye.
    public func observeEyes(in frame: Image, configuration: PipelineConfiguration) throws -> (faces: Int, eyes: EyeObservation?) {
        var schedule = EyeSchedule(mode: .everyFrame, changeThreshold: 0, refreshSeconds: 1)
        let result = try analyseFaces(
            in: frame, at: 0, region: nil, configuration: configuration.faces, eyes: configuration.gaze.eyes,
            schedule: schedule, previousSignatures: [:], preprocessor: FramePreprocessor(configuration: configuration.preprocessing))
        return (result.faces.count, schedule.observation(measured: result.eyes ?? [:], pose: result.pose, at: 0))
    }

    func detectObjects(in frame: Image, region: PixelRegion?) throws -> ObjectPassResult {
        let started = ContinuousClock.now
        let (searchArea, offset) = try region.crop(frame)
        let detections = try objectDetector.detect(in: searchArea, offset: offset)
        return ObjectPassResult(detections: detections, milliseconds: started.millisecondsElapsed)
    }
}

/// What the face path found on one frame.
struct FacePathResult: Sendable {
    var faces: [DetectedFace] = []
    var landmarksCount = 0
    var presence = 0.0
    var pose: HeadPose?
    /// The main face's lip opening (speech attribution), nil without usable landmarks.
    var mouthOpening: Double?
    /// Each eye's measurement when the iris ran on this frame (nil for an eye not measurable); nil
    /// when it did not run.
    var eyes: [EyeSide: EyeMeasurement?]?
    /// The eye crops' signatures when the iris ran (the reference for the next frames' change).
    var eyeSignatures: [EyeSide: MotionSignature]?
    var faceDetectMs = 0.0
    var landmarksPoseMs = 0.0
    var irisMs = 0.0
    /// Preprocessing inside the face path (detection input and mesh crop).
    var preprocessMs = 0.0
    /// The light of the detector's input, what it means, and what measuring it cost.
    var light: LightMeasurement?
    var lightCondition = LightCondition.good
    var lightMs = 0.0
    /// A dark frame's face was found only by the second pass: the second detection through a stronger
    /// blur, or a weaker candidate confirmed by the face mesh.
    var foundBySecondPass = false
    /// A dark frame's second detection and the face mesh on its candidate (0 when neither ran).
    var secondPassMs = 0.0
    /// The detector was skipped: the main face was followed from the previous frame's landmarks.
    var tracked = false
    /// The mesh on the followed face's crop (also when it found the face lost).
    var trackMs = 0.0
    /// What the next frame follows; nil when there is no face to follow.
    var tracking: TrackedFace?
}

/// One run of the object detector.
struct ObjectPassResult: Sendable {
    var detections: [ObjectDetection]
    var milliseconds: Double
}

/// A region of interest in pixels.
struct PixelRegion: Sendable, Hashable {
    var x: Int, y: Int, width: Int, height: Int
}

extension Optional where Wrapped == PixelRegion {
    /// The frame cut to the region, and the offset that maps the cut's coordinates back.
    func crop(_ frame: Image) throws -> (Image, Point2) {
        guard let region = self else { return (frame, Point2(x: 0, y: 0)) }
        let cut = try frame.cropped(x: region.x, y: region.y, width: region.width, height: region.height)
        return (cut, Point2(x: Double(region.x), y: Double(region.y)))
    }
}
