import ProctorCore

/// A face found by the face detector, in full-frame pixels.
public struct DetectedFace: Sendable, Hashable {
    public var box: BoundingBox
    public var score: Double
    /// Right eye, left eye, nose tip, right mouth corner, left mouth corner (the subject's sides).
    public var keypoints: [Point2]

    public init(box: BoundingBox, score: Double, keypoints: [Point2]) {
        self.box = box
        self.score = score
        self.keypoints = keypoints
    }

    public var rightEye: Point2 { keypoints[0] }
    public var leftEye: Point2 { keypoints[1] }

    /// The face as seen in the image mirrored left to right, for an image `width` pixels wide (the
    /// subject's sides swap: right eye and mouth corner become left ones).
    public func mirrored(width: Double) -> DetectedFace {
        let flipped = keypoints.map { Point2(x: width - $0.x, y: $0.y) }
        let order = [1, 0, 2, 4, 3]
        return DetectedFace(
            box: BoundingBox(x: width - box.x - box.width, y: box.y, width: box.width, height: box.height), score: score,
            keypoints: flipped.count == 5 ? order.map { flipped[$0] } : flipped)
    }

    /// The detector's 15-value row (x, y, w, h, 5 points, score), as `FaceRecognizerSF` expects it.
    var row: [Float] {
        [box.x, box.y, box.width, box.height].map(Float.init)
            + keypoints.flatMap { [Float($0.x), Float($0.y)] }
            + [Float(score)]
    }

    init(row: UnsafeBufferPointer<Float>, scale: Double, offset: Point2) {
        let s = 1 / scale
        box = BoundingBox(x: Double(row[0]) * s, y: Double(row[1]) * s, width: Double(row[2]) * s, height: Double(row[3]) * s)
            .offsetBy(dx: offset.x, dy: offset.y)
        keypoints = (0..<5).map { i in
            Point2(x: Double(row[4 + 2 * i]) * s + offset.x, y: Double(row[5 + 2 * i]) * s + offset.y)
        }
        score = Double(row[14])
    }
}
