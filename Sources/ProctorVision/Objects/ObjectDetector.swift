import ProctorCore

/// Finds people and forbidden objects with a YOLOX- or YOLOv8-format ONNX model.
///
/// The frame is letterboxed into the model's square input (top-left, grey 114 padding), run through
/// the inference model, decoded according to `format`, filtered by each class's threshold and
/// reduced by class-wise NMS. Boxes are in full-frame pixels.
public final class ObjectDetector {
    private let model: any InferenceModel
    public let configuration: ObjectDetectionConfiguration

    public init(model: any InferenceModel, configuration: ObjectDetectionConfiguration) {
        self.model = model
        self.configuration = configuration
    }

    public var engineName: String { model.engineName }

    public func detect(in image: Image, offset: Point2 = Point2(x: 0, y: 0)) throws(VisionError) -> [ObjectDetection] {
        let size = configuration.inputSize
        let (letterboxed, scale) = try image.letterboxed(size: size)
        // YOLOX takes raw BGR 0...255; YOLOv8 exports take RGB scaled to 0...1.
        let input: Tensor =
            switch configuration.format {
            case .yolox: try letterboxed.tensor(scale: 1, swapRB: false)
            case .yolov8: try letterboxed.tensor(scale: 1 / 255, swapRB: true)
            }
        guard let output = try model.run(input).first else {
            throw VisionError(.modelInvalid, "object detector produced no output")
        }
        let classes = configuration.classes
        let classCount = classes.labels.count
        let raw: [ObjectDetection]
        do {
            raw = try output.values.withUnsafeBufferPointer { values throws(DetectorOutputError) in
                switch configuration.format {
                case .yolox:
                    try YOLOXDecoder(inputWidth: size, inputHeight: size).decode(values, classCount: classCount, letterboxScale: scale, classMap: classes)
                case .yolov8:
                    try YOLOv8Decoder(inputSize: size).decode(values, classCount: classCount, letterboxScale: scale, classMap: classes)
                }
            }
        } catch {
            throw VisionError(.modelInvalid, error.description)
        }
        let frameWidth = Double(image.width)
        let frameHeight = Double(image.height)
        let clamped = raw.map { detection in
            var detection = detection
            detection.box = detection.box.clamped(toWidth: frameWidth, height: frameHeight).offsetBy(dx: offset.x, dy: offset.y)
            return detection
        }
        return NonMaximumSuppression.classWise(clamped, iouThreshold: configuration.nmsThreshold)
    }
}
