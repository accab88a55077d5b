import Foundation
import ProctorCore
import ProctorVision

/// The two detection paths of a frame, run on a CV worker with that worker's models.
extension VisionModels {
    /// Faces, then landmarks and head pose of the largest face. Preprocessing is applied to what
    /// each model sees: the downscaled frame for detection and the mesh crop, not the whole frame.
    func analyseFaces(in frame: Image, region: PixelRegion?, configuration: FaceConfiguration, eyes: EyeGazeConfiguration,
                      preprocessor: FramePreprocessor) throws -> FacePathResult {
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
            if let pose = result.pose, eyes.enabled, let irisLandmarker {
                // The eyes of the raw frame: the iris crops are small, and CLAHE's tiles would be a few pixels.
                let irisStarted = ContinuousClock.now
                result.eyes = try Self.observeEyes(landmarks: landmarks, pose: pose, in: frame, iris: irisLandmarker, configuration: eyes)
                result.irisMs = irisStarted.millisecondsElapsed
            }
        }
        result.preprocessMs = preprocessMs
        return result
    }

    static func observeEyes(landmarks: FaceLandmarks, pose: HeadPose, in frame: Image, iris: IrisLandmarker,
                            configuration: EyeGazeConfiguration) throws -> EyeObservation? {
        let (right, left) = try iris.eyes(of: landmarks, in: frame, cropScale: configuration.cropScale, minimumWidth: configuration.minimumEyeWidth)
        guard right != nil || left != nil else { return nil }
        let up = IrisLandmarker.faceUp(landmarks)
        return EyeObservation(right: right.flatMap { EyeGeometry.measure($0, up: up) }, left: left.flatMap { EyeGeometry.measure($0, up: up) }, pose: pose)
    }

    /// Faces, landmarks, head pose and eyes of one still image, as the pipeline sees them (for the
    /// calibration step's frames): nil without a face, usable landmarks or a measurable eye.
    public func observeEyes(in frame: Image, configuration: PipelineConfiguration) throws -> (faces: Int, eyes: EyeObservation?) {
        let result = try analyseFaces(in: frame, region: nil, configuration: configuration.faces, eyes: configuration.gaze.eyes,
                                      preprocessor: FramePreprocessor(configuration: configuration.preprocessing))
        return (result.faces.count, result.eyes)
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
    /// The main face's eyes, nil without a pose or a measurable eye (or with eye gaze off).
    var eyes: EyeObservation?
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
