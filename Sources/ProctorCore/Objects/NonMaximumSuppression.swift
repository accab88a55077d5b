/// Greedy non-maximum suppression, done separately for each class.
public enum NonMaximumSuppression {
    /// Keeps, per class, the most confident box of every group that overlaps by more than `iouThreshold`.
    /// The result is sorted by confidence, highest first.
    public static func classWise(_ detections: [ObjectDetection], iouThreshold: Double) -> [ObjectDetection] {
        let byClass = Dictionary(grouping: detections, by: \.classId)
        var kept: [ObjectDetection] = []
        for (_, group) in byClass {
            kept += suppress(group, iouThreshold: iouThreshold)
        }
        return kept.sorted { ($0.confidence, -$0.classId) > ($1.confidence, -$1.classId) }
    }

    /// Greedy suppression of one class's boxes.
    public static func suppress(_ detections: [ObjectDetection], iouThreshold: Double) -> [ObjectDetection] {
        var remaining = detections.sorted { $0.confidence > $1.confidence }
        var kept: [ObjectDetection] = []
        while let best = remaining.first {
            kept.append(best)
            remaining = remaining.dropFirst().filter { $0.box.intersectionOverUnion(with: best.box) <= iouThreshold }
        }
        return kept
    }
}
