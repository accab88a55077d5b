import Foundation
import ProctorCore

/// MediaPipe's iris model on the eyes of a face whose mesh is known.
///
/// Each eye's crop follows MediaPipe: centred between the eye's corners (mesh 33/133 for the
/// subject's right eye, 362/263 for the left), `cropScale` times the corner distance wide, rotated
/// so the corner line is level, resized to 64x64. The model was trained on the right eye as it
/// appears in the image (outer corner on the crop's left), so the left eye's crop is mirrored and its
/// points un-mirrored. Points are mapped back to full-frame pixels.
public final class IrisLandmarker {
    private let model: any InferenceModel
    static let inputSize = 64
    /// Face-mesh corner indices: the subject's right eye (outer, inner) and left eye (inner, outer).
    static let rightEyeCorners = (outer: 33, inner: 133)
    static let leftEyeCorners = (inner: 362, outer: 263)
    static let contourPoints = 71
    static let irisPoints = 5

    public init(model: any InferenceModel) {
        self.model = model
    }

    public var engineName: String { model.engineName }

    /// One eye's 64x64 crop, as the model sees it, and the way back to frame pixels.
    public struct EyeCrop: Sendable {
        public let side: EyeSide
        public let image: Image
        let inverse: ProctorCore.AffineTransform
    }

    /// The crops of the eyes of `landmarks` (468 face-mesh points in frame pixels) named in `sides`;
    /// an eye narrower than `minimumWidth` pixels comes back nil.
    public func crops(
        of landmarks: FaceLandmarks, in image: Image, cropScale: Double, minimumWidth: Double,
        sides: [EyeSide] = EyeSide.allCases
    ) throws(VisionError) -> [EyeSide: EyeCrop?] {
        let points = landmarks.points
        guard points.count >= FaceLandmarker.landmarkCount else { return [:] }
        var crops: [EyeSide: EyeCrop?] = [:]
        for side in sides {
            crops[side] =
                side == .right
                ? try crop(
                    .right, from: points[Self.rightEyeCorners.outer], to: points[Self.rightEyeCorners.inner], mirrored: false,
                    in: image, cropScale: cropScale, minimumWidth: minimumWidth)
                : try crop(
                    .left, from: points[Self.leftEyeCorners.inner], to: points[Self.leftEyeCorners.outer], mirrored: true,
                    in: image, cropScale: cropScale, minimumWidth: minimumWidth)
        }
        return crops
    }

    /// The model on one crop: the eyelid contour and the iris in frame pixels.
    public func landmarks(in crop: EyeCrop) throws(VisionError) -> EyeLandmarks? {
        let outputs = try model.run(try crop.image.tensor(scale: 1 / 255, swapRB: true))
        guard let contour = outputs.first(where: { $0.count == Self.contourPoints * 3 }),
            let iris = outputs.first(where: { $0.count == Self.irisPoints * 3 })
        else {
            throw VisionError(.modelInvalid, "iris model outputs have unexpected sizes \(outputs.map(\.count))")
        }
        func mapped(_ tensor: Tensor, count: Int) -> [Point2] {
            (0..<count).map { i in crop.inverse.apply(Point2(x: Double(tensor.values[3 * i]), y: Double(tensor.values[3 * i + 1]))) }
        }
        return EyeLandmarks(contour: mapped(contour, count: EyeLandmarks.contourCount), iris: mapped(iris, count: Self.irisPoints))
    }

    /// Both eyes' landmarks (`crops` then `landmarks`).
    public func eyes(
        of landmarks: FaceLandmarks, in image: Image, cropScale: Double, minimumWidth: Double,
        sides: [EyeSide] = EyeSide.allCases
    ) throws(VisionError) -> (right: EyeLandmarks?, left: EyeLandmarks?) {
        let crops = try crops(of: landmarks, in: image, cropScale: cropScale, minimumWidth: minimumWidth, sides: sides)
        let right = try crops[.right].flatMap { $0 }.flatMap { crop throws(VisionError) in try self.landmarks(in: crop) }
        let left = try crops[.left].flatMap { $0 }.flatMap { crop throws(VisionError) in try self.landmarks(in: crop) }
        return (right, left)
    }

    /// The face's up in the image, from the mesh's eye corners (it turns with the head's roll).
    public static func faceUp(_ landmarks: FaceLandmarks) -> Point2 {
        let p = landmarks.points
        guard p.count >= FaceLandmarker.landmarkCount else { return Point2(x: 0, y: -1) }
        func middle(_ a: Int, _ b: Int) -> Point2 { Point2(x: (p[a].x + p[b].x) / 2, y: (p[a].y + p[b].y) / 2) }
        return EyeGeometry.faceUp(rightEye: middle(rightEyeCorners.outer, rightEyeCorners.inner), leftEye: middle(leftEyeCorners.inner, leftEyeCorners.outer))
    }

    /// The crop of one eye whose corners run from `start` to `end` left to right in the image.
    func crop(
        _ side: EyeSide, from start: Point2, to end: Point2, mirrored: Bool, in image: Image, cropScale: Double,
        minimumWidth: Double
    ) throws(VisionError) -> EyeCrop? {
        let width = start.distance(to: end)
        guard width >= max(1, minimumWidth) else { return nil }
        let line = end - start
        let size = Double(Self.inputSize)
        var transform = AffineTransform.squareCrop(
            center: Point2(x: (start.x + end.x) / 2, y: (start.y + end.y) / 2),
            side: cropScale * width, angle: atan2(line.y, line.x), outputSize: size)
        if mirrored {
            // x' = size - x about the crop's centre column.
            transform = AffineTransform(a: -transform.a, b: -transform.b, tx: size - transform.tx, c: transform.c, d: transform.d, ty: transform.ty)
        }
        guard let inverse = transform.inverted else { throw VisionError(.invalidArgument, "degenerate eye crop") }
        return EyeCrop(side: side, image: try image.warped(by: transform, width: Self.inputSize, height: Self.inputSize), inverse: inverse)
    }
}
