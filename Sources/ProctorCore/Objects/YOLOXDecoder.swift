import Foundation

/// Turns YOLOX's raw grid output into boxes in the original frame.
///
/// YOLOX-nano as shipped is exported with `decode_in_inference=False`: each row is relative to its
/// grid cell. For stride s and cell (gx, gy): cx = (x + gx)·s, cy = (y + gy)·s, w = exp(log w)·s,
/// h = exp(log h)·s, and score = objectness · class score. Boxes are then divided by the letterbox
/// scale to land in the original frame.
public struct YOLOXDecoder: Sendable {
    public var inputWidth: Int
    public var inputHeight: Int
    public var strides: [Int]

    public init(inputWidth: Int = 416, inputHeight: Int = 416, strides: [Int] = [8, 16, 32]) {
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.strides = strides
    }

    /// Number of anchors the model predicts for its input size.
    public var anchorCount: Int {
        strides.reduce(0) { $0 + (inputWidth / $1) * (inputHeight / $1) }
    }

    /// Decodes `output` (anchorCount x (5 + classes) floats) into detections above each class's threshold,
    /// scaled back by `letterboxScale`; NMS is not applied here.
    public func decode(
        _ output: UnsafeBufferPointer<Float>,
        classCount: Int,
        letterboxScale: Double,
        classMap: ObjectClassMap
    ) throws(DetectorOutputError) -> [ObjectDetection] {
        let rowLength = 5 + classCount
        guard output.count == anchorCount * rowLength else {
            throw DetectorOutputError(expected: anchorCount * rowLength, actual: output.count, format: .yolox)
        }
        let floor = Float(classMap.lowestThreshold)
        var detections: [ObjectDetection] = []
        var anchor = 0
        for stride in strides {
            let columns = inputWidth / stride
            let rows = inputHeight / stride
            for gy in 0..<rows {
                for gx in 0..<columns {
                    defer { anchor += 1 }
                    let base = anchor * rowLength
                    let objectness = output[base + 4]
                    guard objectness >= floor else { continue }
                    // Best class for this anchor.
                    var bestClass = 0
                    var bestScore: Float = 0
                    for c in 0..<classCount where output[base + 5 + c] > bestScore {
                        bestScore = output[base + 5 + c]
                        bestClass = c
                    }
                    let score = Double(objectness * bestScore)
                    guard score >= classMap.threshold(for: bestClass) else { continue }
                    let s = Double(stride)
                    let cx = (Double(output[base]) + Double(gx)) * s
                    let cy = (Double(output[base + 1]) + Double(gy)) * s
                    let w = exp(Double(output[base + 2])) * s
                    let h = exp(Double(output[base + 3])) * s
                    let box = BoundingBox(centerX: cx, centerY: cy, width: w, height: h).scaled(by: 1 / letterboxScale)
                    detections.append(ObjectDetection(classId: bestClass, label: classMap.label(for: bestClass), confidence: score, box: box))
                }
            }
        }
        return detections
    }
}

/// The output tensor does not have the size the decoder expects.
public struct DetectorOutputError: Error, CustomStringConvertible, Sendable {
    public var expected: Int
    public var actual: Int
    public var format: DetectorOutputFormat

    public var description: String {
        "\(format.rawValue) output has \(actual) values where \(expected) were expected; check the model's format, input size and class list"
    }
}
