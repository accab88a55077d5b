/// A point in pixel coordinates.
public struct Point2: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    public static func - (lhs: Point2, rhs: Point2) -> Point2 { Point2(x: lhs.x - rhs.x, y: lhs.y - rhs.y) }
    public static func + (lhs: Point2, rhs: Point2) -> Point2 { Point2(x: lhs.x + rhs.x, y: lhs.y + rhs.y) }

    public func distance(to other: Point2) -> Double {
        let d = self - other
        return (d.x * d.x + d.y * d.y).squareRoot()
    }
}
