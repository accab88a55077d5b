/// The layout of an object detector's raw output tensor.
public enum DetectorOutputFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// YOLOX exported without decoding: N anchors x (x, y, log w, log h, objectness, class scores…),
    /// grid-relative, anchors ordered by stride then row-major; scores already through a sigmoid.
    case yolox
    /// YOLOv8: (4 + classes) x N, boxes as centre/size in input pixels, class scores, no objectness.
    case yolov8
}
