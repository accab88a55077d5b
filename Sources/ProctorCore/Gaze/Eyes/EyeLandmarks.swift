import Foundation

/// The landmarks of one eye from MediaPipe's iris model, in frame pixels.
///
/// The eyelid contour is the first 16 of the model's 71 eye points, in MediaPipe's order (the same
/// points as face-mesh 33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173
/// for the subject's right eye): [0] the outer corner, [1...7] the lower lid from the outer corner
/// inward, [8] the inner corner, [9...15] the upper lid from the outer corner inward. The iris is
/// its centre followed by four points on its edge.
public struct EyeLandmarks: Sendable, Hashable {
    public static let contourCount = 16
    public static let irisCount = 5

    public var contour: [Point2]
    public var iris: [Point2]

    /// Nil unless there are 16 contour points and 5 iris points.
    public init?(contour: [Point2], iris: [Point2]) {
        guard contour.count >= Self.contourCount, iris.count >= Self.irisCount else { return nil }
        self.contour = Array(contour.prefix(Self.contourCount))
        self.iris = Array(iris.prefix(Self.irisCount))
    }

    public var outerCorner: Point2 { contour[0] }
    public var innerCorner: Point2 { contour[8] }
    public var irisCenter: Point2 { iris[0] }
    /// Lower-lid point i (1...7) faces upper-lid point 8 + i.
    func lidPair(_ i: Int) -> (lower: Point2, upper: Point2) { (contour[i], contour[8 + i]) }
}

/// One eye's gaze ratios, measured against its own corners (so they do not depend on the face's
/// size, position or roll in the frame).
public struct EyeMeasurement: Sendable, Hashable, Codable {
    /// The iris centre projected on the line from the inner to the outer corner: 0 at the inner
    /// corner, 1 at the outer corner.
    public var horizontal: Double
    /// The iris centre's signed distance from the corner line over the eye width, positive toward the
    /// brow. Measured against the corners, not the eyelids, because the lids follow a downward glance.
    public var vertical: Double
    /// The eyelid opening over the eye width (the eye aspect ratio): about 0.3 open, near 0 closed.
    public var openness: Double
    /// Corner-to-corner distance in frame pixels.
    public var width: Double

    public init(horizontal: Double, vertical: Double, openness: Double, width: Double) {
        self.horizontal = horizontal
        self.vertical = vertical
        self.openness = openness
        self.width = width
    }
}

/// The ratio geometry of one eye: pure arithmetic on landmarks, tested on synthetic eyes.
public enum EyeGeometry {
    /// The face's "up" in the image: perpendicular to the line from the subject's right eye to the
    /// left eye (image left to right on an upright face), pointing from the eyes toward the brow.
    /// (0, -1) for an upright face; it turns with the head's roll.
    public static func faceUp(rightEye: Point2, leftEye: Point2) -> Point2 {
        let e = leftEye - rightEye
        let length = (e.x * e.x + e.y * e.y).squareRoot()
        guard length > 1e-9 else { return Point2(x: 0, y: -1) }
        return Point2(x: e.y / length, y: -e.x / length)
    }

    /// The ratios of `eye`; nil when its corners coincide. `up` is the face's up (`faceUp`).
    public static func measure(_ eye: EyeLandmarks, up: Point2) -> EyeMeasurement? {
        let inner = eye.innerCorner
        let axis = eye.outerCorner - inner
        let width = (axis.x * axis.x + axis.y * axis.y).squareRoot()
        guard width > 1e-6 else { return nil }
        let u = Point2(x: axis.x / width, y: axis.y / width)
        // The normal of the corner line on the brow's side, whichever eye and mirroring.
        var n = Point2(x: -u.y, y: u.x)
        if n.x * up.x + n.y * up.y < 0 { n = Point2(x: -n.x, y: -n.y) }
        let iris = eye.irisCenter - inner
        let horizontal = (iris.x * u.x + iris.y * u.y) / width
        let vertical = (iris.x * n.x + iris.y * n.y) / width
        // Mean lid gap over the three central lid pairs: the corners' ends say little about opening.
        let gaps = (3...5).map { i -> Double in
            let pair = eye.lidPair(i)
            return pair.upper.distance(to: pair.lower)
        }
        let openness = gaps.reduce(0, +) / Double(gaps.count) / width
        return EyeMeasurement(horizontal: horizontal, vertical: vertical, openness: openness, width: width)
    }
}
