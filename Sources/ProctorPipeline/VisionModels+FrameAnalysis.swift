import Foundation
import ProctorCore
import ProctorVision

/// The two detection paths of a frame, run on a CV worker with that worker's models.
extension VisionModels {
    /// Faces, then landmarks and head pose of the largest face. Preprocessing is applied to what
    /// each model sees: the downscaled frame for detection and the mesh crop, not the whole frame.
    /// `eyes`: the iris on the main face's eyes that `schedule` names (none when eye gaze is off).
    func analyseFaces(in frame: Image, at timestamp: Double, region: PixelRegion?, configuration: FaceConfiguration, eyes: EyeGazeConfiguration,
                      schedule: EyeSchedule, preprocessor: FramePreprocessor) throws -> FacePathResult {
        var result = FacePathResult()
        var preprocessMs = 0.0
        let prepare = { (image: Image) throws(VisionError) -> Image in
            let started = ContinuousClock.now
            defer { preprocessMs += started.millisecondsElapsed }
            return try preprocessor.process(image)
        }
        let started = ContinuousClock.now
        let (searchArea, offset) = try region.crop(frame)
        result.faces = try faceDetector.detect(in: searchArea, offset: offset, preparing: prepare)
        result.faceDetectMs = started.millisecondsElapsed - preprocessMs
        if let main = result.faces.first {
            let poseStarted = ContinuousClock.now
            let before = preprocessMs
            let landmarks = try landmarker.landmarks(of: main, in: frame, preparing: prepare)
            result.landmarksCount = landmarks.points.count
            result.presence = landmarks.presence
            if landmarks.presence >= configuration.minimumLandmarkPresence {
                result.pose = try poseEstimator.pose(of: landmarks.points, frameWidth: frame.width, frameHeight: frame.height)
            }
            result.landmarksPoseMs = poseStarted.millisecondsElapsed - (preprocessMs - before)
            if result.pose != nil, eyes.enabled, let irisLandmarker {
                // The eyes of the raw frame: the iris crops are small, and CLAHE's tiles would be a few pixels.
                let irisStarted = ContinuousClock.now
                result.eyes = try Self.measureEyes(landmarks: landmarks, in: frame, iris: irisLandmarker, configuration: eyes, sides: schedule.sides)
                let more = schedule.additionalSides(after: result.eyes, at: timestamp)
                if !more.isEmpty {
                    let second = try Self.measureEyes(landmarks: landmarks, in: frame, iris: irisLandmarker, configuration: eyes, sides: more)
                    result.eyes.merge(second) { first, _ in first }
                }
                result.irisMs = irisStarted.millisecondsElapsed
            }
        }
        result.preprocessMs = preprocessMs
        return result
    }

    /// The ratios of each eye in `sides` (nil for one too small or unmeasurable).
    static func measureEyes(landmarks: FaceLandmarks, in frame: Image, iris: IrisLandmarker, configuration: EyeGazeConfiguration,
                            sides: [EyeSide]) throws -> [EyeSide: EyeMeasurement?] {
        let (right, left) = try iris.eyes(of: landmarks, in: frame, cropScale: configuration.cropScale, minimumWidth: configuration.minimumEyeWidth,
                                          sides: sides)
        let up = IrisLandmarker.faceUp(landmarks)
        var measured: [EyeSide: EyeMeasurement?] = [:]
        if sides.contains(.right) { measured[.right] = right.flatMap { EyeGeometry.measure($0, up: up) } }
        if sides.contains(.left) { measured[.left] = left.flatMap { EyeGeometry.measure($0, up: up) } }
        return measured
    }

    /// Faces, landmarks, head pose and both eyes of one still image, as the pipeline sees them (for
    /// the calibration step's frames): eyes nil without a face, usable landmarks or a measurable eye.
    public func observeEyes(in frame: Image, configuration: PipelineConfiguration) throws -> (faces: Int, eyes: EyeObservation?) {
        var schedule = EyeSchedule(mode: .both, maximumAge: 0, changeThreshold: 0)
        let result = try analyseFaces(in: frame, at: 0, region: nil, configuration: configuration.faces, eyes: configuration.gaze.eyes,
                                      schedule: schedule, preprocessor: FramePreprocessor(configuration: configuration.preprocessing))
        return (result.faces.count, schedule.observation(measured: result.eyes, pose: result.pose, at: 0))
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
    /// The iris's measurement of each eye it ran on (empty without a pose, or with eye gaze off).
    var eyes: [EyeSide: EyeMeasurement?] = [:]
    var faceDetectMs = 0.0
    var landmarksPoseMs = 0.0
    var irisMs = 0.0
    /// Preprocessing inside the face path (detection input and mesh crop).
    var preprocessMs = 0.0
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

extension ContinuousClock.Instant {
    var millisecondsElapsed: Double {
        let elapsed = ContinuousClock.now - self
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
