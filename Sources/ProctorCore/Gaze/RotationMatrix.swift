import Foundation

/// A 3x3 rotation matrix, row-major.
public struct RotationMatrix: Sendable, Hashable {
    public var values: [Double]

    public init(values: [Double]) {
        precondition(values.count == 9, "a 3x3 matrix has 9 values")
        self.values = values
    }

    public static let identity = RotationMatrix(values: [1, 0, 0, 0, 1, 0, 0, 0, 1])

    public subscript(row: Int, column: Int) -> Double { values[row * 3 + column] }

    /// Rodrigues' formula: the rotation by |v| radians about the axis v, as OpenCV's `rvec`.
    public init(rodrigues v: (Double, Double, Double)) {
        let theta = (v.0 * v.0 + v.1 * v.1 + v.2 * v.2).squareRoot()
        guard theta > 1e-12 else {
            self = .identity
            return
        }
        let (x, y, z) = (v.0 / theta, v.1 / theta, v.2 / theta)
        let c = cos(theta)
        let s = sin(theta)
        let t = 1 - c
        self.init(values: [
            t * x * x + c, t * x * y - s * z, t * x * z + s * y,
            t * x * y + s * z, t * y * y + c, t * y * z - s * x,
            t * x * z - s * y, t * y * z + s * x, t * z * z + c,
        ])
    }

    /// Rotation about the camera x axis (pointing right) by `angle` radians.
    public static func aboutX(_ angle: Double) -> RotationMatrix {
        RotationMatrix(values: [1, 0, 0, 0, cos(angle), -sin(angle), 0, sin(angle), cos(angle)])
    }

    /// Rotation about the camera y axis (pointing down) by `angle` radians.
    public static func aboutY(_ angle: Double) -> RotationMatrix {
        RotationMatrix(values: [cos(angle), 0, sin(angle), 0, 1, 0, -sin(angle), 0, cos(angle)])
    }

    /// Rotation about the camera z axis (pointing into the scene) by `angle` radians.
    public static func aboutZ(_ angle: Double) -> RotationMatrix {
        RotationMatrix(values: [cos(angle), -sin(angle), 0, sin(angle), cos(angle), 0, 0, 0, 1])
    }

    public static func * (lhs: RotationMatrix, rhs: RotationMatrix) -> RotationMatrix {
        var out = [Double](repeating: 0, count: 9)
        for i in 0..<3 {
            for j in 0..<3 {
                out[i * 3 + j] = (0..<3).reduce(0) { $0 + lhs[i, $1] * rhs[$1, j] }
            }
        }
        return RotationMatrix(values: out)
    }

    /// The matrix applied to a column vector.
    public func apply(_ p: (Double, Double, Double)) -> (Double, Double, Double) {
        (
            self[0, 0] * p.0 + self[0, 1] * p.1 + self[0, 2] * p.2,
            self[1, 0] * p.0 + self[1, 1] * p.1 + self[1, 2] * p.2,
            self[2, 0] * p.0 + self[2, 1] * p.1 + self[2, 2] * p.2
        )
    }
}
