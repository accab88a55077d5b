/// One object found in a frame.
public struct ObjectDetection: Sendable, Hashable, Codable {
    /// Index in the detector's class list.
    public var classId: Int
    /// Human-readable class name, e.g. "cell phone".
    public var label: String
    public var confidence: Double
    /// In full-frame pixel coordinates.
    public var box: BoundingBox

    public init(classId: Int, label: String, confidence: Double, box: BoundingBox) {
        self.classId = classId
        self.label = label
        self.confidence = confidence
        self.box = box
    }
}
