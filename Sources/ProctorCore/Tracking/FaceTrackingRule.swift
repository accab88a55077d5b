/// When the face path may follow the previous frame's face instead of looking for faces again:
/// MediaPipe's way. The face detector is the costliest step of the face path; between detections the
/// face mesh takes its crop from the previous frame's landmarks (see `FaceBoxRelation`), and the
/// mesh's own presence score says when the face was lost.
///
/// The detector still runs when there is no face to follow, when the light is not good (the dark
/// path's second pass needs the detector's candidates), when time went backwards (a new stream),
/// and every `redetectSeconds`, so a second person who comes into view is found within that time;
/// the other faces of the last detection are carried until then.
public struct FaceTrackingRule: Sendable, Hashable {
    public var enabled: Bool
    public var redetectSeconds: Double

    public init(enabled: Bool, redetectSeconds: Double) {
        self.enabled = enabled
        self.redetectSeconds = redetectSeconds
    }

    public enum Decision: Sendable, Hashable {
        case track
        case detect(Reason)
    }

    public enum Reason: String, Sendable, Hashable {
        case disabled
        case noTrackedFace = "no_tracked_face"
        case due
        case light
        case newStream = "new_stream"
    }

    /// `lastDetection`: when the detector last ran; `tracking`: whether a face is being followed.
    public func decide(lastDetection: Double?, tracking: Bool, light: LightCondition, at timestamp: Double) -> Decision {
        guard enabled else { return .detect(.disabled) }
        guard tracking, let lastDetection else { return .detect(.noTrackedFace) }
        guard timestamp >= lastDetection else { return .detect(.newStream) }
        guard light == .good else { return .detect(.light) }
        guard timestamp - lastDetection < redetectSeconds - 0.001 else { return .detect(.due) }
        return .track
    }
}

/// Where the face detector's box sits relative to the bounding box of the face mesh's landmarks, as
/// measured on the last frame that had both: between detections, the box for the mesh's next crop
/// comes from the landmarks through it, so the crop keeps the scale and place the mesh was trained
/// on (the detector's box, 1.5 times enlarged).
public struct FaceBoxRelation: Sendable, Hashable {
    /// Offsets of the box's centre from the mesh box's centre, and the box's size, as shares of
    /// the mesh box's larger side.
    public var centerX: Double
    public var centerY: Double
    public var width: Double
    public var height: Double

    public init(detectorBox: BoundingBox, meshBox: BoundingBox) {
        let side = max(1, max(meshBox.width, meshBox.height))
        centerX = (detectorBox.center.x - meshBox.center.x) / side
        centerY = (detectorBox.center.y - meshBox.center.y) / side
        width = detectorBox.width / side
        height = detectorBox.height / side
    }

    /// The detector-like box for a mesh box.
    public func box(fromMesh meshBox: BoundingBox) -> BoundingBox {
        let side = max(meshBox.width, meshBox.height)
        return BoundingBox(
            centerX: meshBox.center.x + centerX * side, centerY: meshBox.center.y + centerY * side, width: width * side, height: height * side)
    }
}

extension BoundingBox {
    /// The smallest box holding every point; nil for no points.
    public init?(enclosing points: [Point2]) {
        guard let first = points.first else { return nil }
        var (minX, minY, maxX, maxY) = (first.x, first.y, first.x, first.y)
        for point in points.dropFirst() {
            minX = min(minX, point.x)
            minY = min(minY, point.y)
            maxX = max(maxX, point.x)
            maxY = max(maxY, point.y)
        }
        self.init(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }
}
