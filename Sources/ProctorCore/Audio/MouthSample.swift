/// The candidate's mouth on one frame: whether a face was in view, and the lip opening of the
/// largest face (inner lips apart over mouth width, from the face mesh), nil when the mesh failed.
public struct MouthSample: Sendable, Hashable, Codable {
    public var timestamp: Double
    public var faceCount: Int
    public var opening: Double?

    public init(timestamp: Double, faceCount: Int, opening: Double?) {
        self.timestamp = timestamp
        self.faceCount = faceCount
        self.opening = opening
    }

    /// The mesh's inner-lip points 13 (upper) and 14 (lower) over the mouth corners 61 and 291:
    /// the opening as a share of the mouth's width, so it does not depend on the face's size.
    public static func opening(upperLip: Point2, lowerLip: Point2, leftCorner: Point2, rightCorner: Point2) -> Double? {
        let width = leftCorner.distance(to: rightCorner)
        guard width > 1e-6 else { return nil }
        return upperLip.distance(to: lowerLip) / width
    }

    /// The opening from the 468 face-mesh points; nil for another layout.
    public static func opening(of mesh: [Point2]) -> Double? {
        guard mesh.count > 291 else { return nil }
        return opening(upperLip: mesh[13], lowerLip: mesh[14], leftCorner: mesh[61], rightCorner: mesh[291])
    }
}
