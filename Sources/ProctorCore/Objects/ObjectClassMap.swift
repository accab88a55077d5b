/// What the object detector's class indices mean, and which of them matter for proctoring.
///
/// The default is COCO-80 in the order YOLOX and YOLOv8 are trained with. A user who swaps in a
/// detector trained on other classes gives its labels and says which ids are people and which are
/// forbidden, with their own confidence thresholds.
public struct ObjectClassMap: Sendable, Hashable, Codable {
    public var labels: [String]
    public var personClassId: Int
    /// Minimum confidence for a person to count.
    public var personThreshold: Double
    /// Forbidden classes: class id → minimum confidence.
    public var forbidden: [ForbiddenClass]
    /// Minimum confidence for any other class to be reported in `all_detections`.
    public var defaultThreshold: Double

    public struct ForbiddenClass: Sendable, Hashable, Codable {
        public var classId: Int
        /// The name used in events and violations, e.g. "cell_phone".
        public var name: String
        public var threshold: Double

        public init(classId: Int, name: String, threshold: Double) {
            self.classId = classId
            self.name = name
            self.threshold = threshold
        }
    }

    public init(labels: [String], personClassId: Int, personThreshold: Double, forbidden: [ForbiddenClass], defaultThreshold: Double) {
        self.labels = labels
        self.personClassId = personClassId
        self.personThreshold = personThreshold
        self.forbidden = forbidden
        self.defaultThreshold = defaultThreshold
    }

    public func label(for classId: Int) -> String {
        labels.indices.contains(classId) ? labels[classId] : "class \(classId)"
    }

    public func forbiddenClass(for classId: Int) -> ForbiddenClass? {
        forbidden.first { $0.classId == classId }
    }

    /// The confidence a detection of `classId` needs to be kept at all.
    public func threshold(for classId: Int) -> Double {
        if classId == personClassId { return personThreshold }
        return forbiddenClass(for: classId)?.threshold ?? defaultThreshold
    }

    /// The lowest threshold of any class: candidates below it are dropped before NMS.
    public var lowestThreshold: Double {
        ([personThreshold, defaultThreshold] + forbidden.map(\.threshold)).min() ?? defaultThreshold
    }

    /// COCO-80 with the defaults of the product: person ≥ 0.4; cell phone, book, laptop ≥ 0.5.
    public static let coco = ObjectClassMap(
        labels: cocoLabels,
        personClassId: 0,
        personThreshold: 0.4,
        forbidden: [
            ForbiddenClass(classId: 67, name: "cell_phone", threshold: 0.5),
            ForbiddenClass(classId: 73, name: "book", threshold: 0.5),
            ForbiddenClass(classId: 63, name: "laptop", threshold: 0.5),
        ],
        defaultThreshold: 0.5
    )

    public static let cocoLabels = [
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
        "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
        "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
        "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
        "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
        "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
        "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard",
        "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase",
        "scissors", "teddy bear", "hair drier", "toothbrush",
    ]
}
