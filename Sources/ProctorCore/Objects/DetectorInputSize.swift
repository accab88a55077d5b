/// The input an object detector is given for a frame.
///
/// A detector exported for a square input sees a 640x480 webcam frame letterboxed into 416x416: a
/// quarter of its work goes to grey padding. A fully convolutional detector with a free input size
/// (`yolox_nano_dynamic.onnx`) is given the frame's own aspect instead: the longer side at the same
/// `side`, the shorter with `padding` pixels of grey beyond the picture, rounded up to the detector's
/// largest stride so every level's grid is whole. The frame is scaled by the same factor either way,
/// so objects look the same size to the network.
public struct DetectorInputSize: Sendable, Hashable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The square input of a detector with a fixed input.
    public static func square(_ side: Int) -> DetectorInputSize { DetectorInputSize(width: side, height: side) }

    /// The smallest input with the frame's aspect whose longer side is `side`, whose shorter side has
    /// at least `padding` pixels beyond the picture, and whose sides are multiples of `stride` (each at
    /// least one stride, at most `side`).
    public static func fitting(frameWidth: Int, frameHeight: Int, side: Int, stride: Int = 32, padding: Int = 0) -> DetectorInputSize {
        guard frameWidth > 0, frameHeight > 0, side > 0, stride > 0 else { return .square(side) }
        let scale = Double(side) / Double(max(frameWidth, frameHeight))
        let rounded = { (length: Int) -> Int in
            let scaled = Int((Double(length) * scale).rounded(.up))
            let whole = (scaled + padding + stride - 1) / stride * stride
            return min(side, max(stride, whole))
        }
        return DetectorInputSize(width: rounded(frameWidth), height: rounded(frameHeight))
    }
}
