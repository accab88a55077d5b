/// Decodes YOLOv8's output: a (4 + classes) x N tensor whose columns are anchors, with boxes
/// already in input pixels (cx, cy, w, h) and per-class scores without objectness.
public struct YOLOv8Decoder: Sendable {
    public var anchorCount: Int

    public init(anchorCount: Int) {
        self.anchorCount = anchorCount
    }

    /// A decoder for a square input of `inputSize` pixels and strides 8, 16, 32.
    public init(inputSize: Int) {
        self.init(anchorCount: [8, 16, 32].reduce(0) { $0 + (inputSize / $1) * (inputSize / $1) })
    }

    public func decode(
        _ output: UnsafeBufferPointer<Float>,
        classCount: Int,
        letterboxScale: Double,
        classMap: ObjectClassMap
    ) throws(DetectorOutputError) -> [ObjectDetection] {
        let n = anchorCount
        guard output.count == (4 + classCount) * n else {
            throw DetectorOutputError(expected: (4 + classCount) * n, actual: output.count, format: .yolov8)
        }
        let floor = Float(classMap.lowestThreshold)
        var detections: [ObjectDetection] = []
        for i in 0..<n {
            var bestClass = 0
            var bestScore: Float = 0
            for c in 0..<classCount where output[(4 + c) * n + i] > bestScore {
                bestScore = output[(4 + c) * n + i]
                bestClass = c
            }
            guard bestScore >= floor, Double(bestScore) >= classMap.threshold(for: bestClass) else { continue }
            let box = BoundingBox(
                centerX: Double(output[i]), centerY: Double(output[n + i]),
                width: Double(output[2 * n + i]), height: Double(output[3 * n + i])
            ).scaled(by: 1 / letterboxScale)
            detections.append(ObjectDetection(classId: bestClass, label: classMap.label(for: bestClass), confidence: Double(bestScore), box: box))
        }
        return detections
    }
}
