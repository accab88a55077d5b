/// An axis-aligned rectangle in pixel coordinates of the full frame.
public struct BoundingBox: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Builds a box from its centre and size, the form detectors such as YOLOX predict.
    public init(centerX: Double, centerY: Double, width: Double, height: Double) {
        self.init(x: centerX - width / 2, y: centerY - height / 2, width: width, height: height)
    }

    public var area: Double { max(0, width) * max(0, height) }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var center: Point2 { Point2(x: x + width / 2, y: y + height / 2) }

    /// Intersection over union, 0 when the boxes do not overlap.
    public func intersectionOverUnion(with other: BoundingBox) -> Double {
        let left = max(x, other.x)
        let top = max(y, other.y)
        let right = min(maxX, other.maxX)
        let bottom = min(maxY, other.maxY)
        let intersection = max(0, right - left) * max(0, bottom - top)
        let union = area + other.area - intersection
        return union > 0 ? intersection / union : 0
    }

    /// The box scaled about the origin, e.g. to map detections from a downscaled frame back.
    public func scaled(by factor: Double) -> BoundingBox {
        BoundingBox(x: x * factor, y: y * factor, width: width * factor, height: height * factor)
    }

    /// The box moved by an offset, e.g. to map detections from a region of interest back.
    public func offsetBy(dx: Double, dy: Double) -> BoundingBox {
        BoundingBox(x: x + dx, y: y + dy, width: width, height: height)
    }

    /// The part of the box inside a `width` x `height` image.
    public func clamped(toWidth imageWidth: Double, height imageHeight: Double) -> BoundingBox {
        let left = min(max(0, x), imageWidth)
        let top = min(max(0, y), imageHeight)
        let right = min(max(0, maxX), imageWidth)
        let bottom = min(max(0, maxY), imageHeight)
        return BoundingBox(x: left, y: top, width: right - left, height: bottom - top)
    }
}
