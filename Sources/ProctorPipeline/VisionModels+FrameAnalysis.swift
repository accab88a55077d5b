import Foundation
import ProctorCore
import ProctorVision

/// The two detection paths of a frame, run on a CV worker with that worker's models.
extension VisionModels {
    /// Faces, then landmarks and head pose of the largest face.
    func analyseFaces(in frame: Image, region: PixelRegion?, configuration: FaceConfiguration) throws -> FacePathResult {
        var result = FacePathResult()
        let started = ContinuousClock.now
        let (searchArea, offset) = try region.crop(frame)
        result.faces = try faceDetector.detect(in: searchArea, offset: offset)
        result.faceDetectMs = started.millisecondsElapsed
        guard let main = result.faces.first else { return result }
        let poseStarted = ContinuousClock.now
        let landmarks = try landmarker.landmarks(of: main, in: frame)
        result.landmarksCount = landmarks.points.count
        result.presence = landmarks.presence
        if landmarks.presence >= configuration.minimumLandmarkPresence {
            result.pose = try poseEstimator.pose(of: landmarks.points, frameWidth: frame.width, frameHeight: frame.height)
        }
        result.landmarksPoseMs = poseStarted.millisecondsElapsed
        return result
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
    var faceDetectMs = 0.0
    var landmarksPoseMs = 0.0
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
