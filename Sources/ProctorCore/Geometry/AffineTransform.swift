import Foundation

/// A 2x3 affine transform `p' = A p + t`, row-major like OpenCV's `warpAffine` matrix.
public struct AffineTransform: Sendable, Hashable {
    public var a: Double, b: Double, tx: Double
    public var c: Double, d: Double, ty: Double

    public init(a: Double, b: Double, tx: Double, c: Double, d: Double, ty: Double) {
        self.a = a
        self.b = b
        self.tx = tx
        self.c = c
        self.d = d
        self.ty = ty
    }

    /// The six values in OpenCV's row-major order.
    public var matrix: [Double] { [a, b, tx, c, d, ty] }

    /// The transform that maps a square of `side` pixels centred on `center` and rotated by `angle`
    /// radians (counter-clockwise in image coordinates, y down) onto an `outputSize` square, upright.
    /// This is the face-mesh crop: the eye line becomes horizontal.
    public static func squareCrop(center: Point2, side: Double, angle: Double, outputSize: Double) -> AffineTransform {
        let scale = outputSize / side
        // Rotate by -angle about the centre, scale, then move the centre to the middle of the output.
        let cosA = cos(-angle) * scale
        let sinA = sin(-angle) * scale
        let half = outputSize / 2
        return AffineTransform(
            a: cosA, b: -sinA, tx: half - (cosA * center.x - sinA * center.y),
            c: sinA, d: cosA, ty: half - (sinA * center.x + cosA * center.y)
        )
    }

    public func apply(_ p: Point2) -> Point2 {
        Point2(x: a * p.x + b * p.y + tx, y: c * p.x + d * p.y + ty)
    }

    /// The inverse transform, or nil when the linear part is singular.
    public var inverted: AffineTransform? {
        let det = a * d - b * c
        guard abs(det) > 1e-12 else { return nil }
        let ia = d / det
        let ib = -b / det
        let ic = -c / det
        let id = a / det
        return AffineTransform(a: ia, b: ib, tx: -(ia * tx + ib * ty), c: ic, d: id, ty: -(ic * tx + id * ty))
    }
}
