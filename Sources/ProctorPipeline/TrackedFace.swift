import ProctorCore
import ProctorVision

/// The face the face path follows between detections (`FaceTrackingRule`): its last landmarks,
/// where the detector's box sits relative to them, the other faces of the last detection (carried
/// until the next one) and when the detector last ran.
struct TrackedFace: Sendable {
    var landmarks: [Point2]
    var relation: FaceBoxRelation
    var score: Double
    var others: [DetectedFace]
    var detectedAt: Double

    /// A face the detector found, with the mesh's landmarks on it.
    init?(detected face: DetectedFace, landmarks: [Point2], others: [DetectedFace], at timestamp: Double) {
        guard landmarks.count > FaceLandmarks.highestDetectorKeypoint, let meshBox = BoundingBox(enclosing: landmarks) else { return nil }
        self.landmarks = landmarks
        relation = FaceBoxRelation(detectorBox: face.box, meshBox: meshBox)
        score = face.score
        self.others = others
        detectedAt = timestamp
    }

    /// The same face, followed to new landmarks.
    func following(_ points: [Point2]) -> TrackedFace? {
        guard points.count > FaceLandmarks.highestDetectorKeypoint else { return nil }
        var next = self
        next.landmarks = points
        return next
    }

    /// The face as the detector would have given it on the next frame: its box from the landmarks'
    /// box, its five points from the mesh (eyes' centres, nose tip, mouth corners: the detector's order).
    var followed: DetectedFace {
        let meshBox = BoundingBox(enclosing: landmarks) ?? BoundingBox(x: 0, y: 0, width: 1, height: 1)
        return DetectedFace(box: relation.box(fromMesh: meshBox), score: score, keypoints: FaceLandmarks.detectorKeypoints(of: landmarks) ?? [])
    }
}
