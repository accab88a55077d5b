import Foundation
import ProctorCore

/// MediaPipe Face Mesh v1: 468 landmarks on a face found by the detector.
///
/// The crop follows MediaPipe: centred on the face box, 1.5x its longer side, rotated so that the
/// eye line is level, resized to 192x192. Landmarks are mapped back to full-frame pixels.
public final class FaceLandmarker {
    private let model: any InferenceModel
    private static let inputSize = 192
    public static let landmarkCount = 468

    public init(model: any InferenceModel) {
        self.model = model
    }

    public var engineName: String { model.engineName }

    /// Landmarks of `face` in `image`, and the model's face-presence probability. `preparing` runs on
    /// the 192x192 crop (preprocessing only what the model sees).
    public func landmarks(of face: DetectedFace, in image: Image, preparing: (Image) throws(VisionError) -> Image = { $0 }) throws(VisionError) -> FaceLandmarks
    {
        let center = face.box.center
        let side = 1.5 * max(face.box.width, face.box.height)
        let eyes = face.leftEye - face.rightEye
        // Eye line angle in image coordinates; the crop rotates it back to horizontal.
        let angle = atan2(eyes.y, eyes.x)
        let transform = AffineTransform.squareCrop(center: center, side: side, angle: angle, outputSize: Double(Self.inputSize))
        guard let inverse = transform.inverted else { throw VisionError(.invalidArgument, "degenerate face box") }
        let crop = try preparing(try image.warped(by: transform, width: Self.inputSize, height: Self.inputSize))
        let input = try crop.tensor(scale: 1 / 255, swapRB: true)
        let outputs = try model.run(input)
        guard let points = outputs.first(where: { $0.count == Self.landmarkCount * 3 }),
            let presence = outputs.first(where: { $0.count == 1 })
        else {
            throw VisionError(.modelInvalid, "face mesh outputs have unexpected sizes \(outputs.map(\.count))")
        }
        let probability = 1 / (1 + exp(-Double(presence.values[0])))
        var mapped: [Point2] = []
        var depths: [Double] = []
        mapped.reserveCapacity(Self.landmarkCount)
        for i in 0..<Self.landmarkCount {
            let p = Point2(x: Double(points.values[3 * i]), y: Double(points.values[3 * i + 1]))
            mapped.append(inverse.apply(p))
            depths.append(Double(points.values[3 * i + 2]) * side / Double(Self.inputSize))
        }
        return FaceLandmarks(points: mapped, depths: depths, presence: probability)
    }
}

/// Face-mesh landmarks in full-frame pixels.
public struct FaceLandmarks: Sendable, Hashable {
    public var points: [Point2]
    /// Relative depth of each point, in frame pixels.
    public var depths: [Double]
    /// Probability (0...1) that the crop holds a face.
    public var presence: Double

    /// The mesh's points that match the detector's five, in the detector's order: the centres of the
    /// subject's right eye (corners 33, 133) and left eye (362, 263), the nose tip (1) and the right
    /// and left mouth corners (61, 291). Nil for fewer than 292 points.
    public static func detectorKeypoints(of points: [Point2]) -> [Point2]? {
        guard points.count > highestDetectorKeypoint else { return nil }
        func mid(_ a: Int, _ b: Int) -> Point2 { Point2(x: (points[a].x + points[b].x) / 2, y: (points[a].y + points[b].y) / 2) }
        return [mid(33, 133), mid(362, 263), points[1], points[61], points[highestDetectorKeypoint]]
    }

    /// The highest face-mesh index `detectorKeypoints` reads (the left mouth corner): a mesh with fewer
    /// points has none of them.
    public static let highestDetectorKeypoint = 291

    /// How far the mesh's points lie from the detector's five on `face`: their mean distance as a
    /// fraction of the box's width (nil without the points). Two models that see the same face agree.
    public func keypointDeviation(from face: DetectedFace) -> Double? {
        guard let mesh = Self.detectorKeypoints(of: points), face.keypoints.count == mesh.count, face.box.width > 0 else { return nil }
        let total = zip(mesh, face.keypoints).reduce(0.0) { sum, pair in
            let (dx, dy) = (pair.0.x - pair.1.x, pair.0.y - pair.1.y)
            return sum + (dx * dx + dy * dy).squareRoot()
        }
        return total / Double(mesh.count) / face.box.width
    }
}
