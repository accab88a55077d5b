import ProctorCore

/// Finds people and forbidden objects with a YOLOX- or YOLOv8-format ONNX model.
///
/// The frame is letterboxed into the model's input (top-left, grey 114 padding): the square of
/// `inputSize`, or, for a YOLOX model with a free input size, the frame's own aspect
/// (`DetectorInputSize.fitting`). It is run through the inference model, decoded according to
/// `format`, filtered by each class's threshold and reduced by class-wise NMS. Boxes are in
/// full-frame pixels.
public final class ObjectDetector {
    private let model: any InferenceModel
    public let configuration: ObjectDetectionConfiguration
    /// The model takes any input size that is a whole number of strides (`yolox_nano_dynamic.onnx`).
    public let fitsFrameAspect: Bool

    public init(model: any InferenceModel, configuration: ObjectDetectionConfiguration, fitsFrameAspect: Bool = false) {
        self.model = model
        self.configuration = configuration
        self.fitsFrameAspect = fitsFrameAspect && configuration.format == .yolox
    }

    public var engineName: String { model.engineName }

    /// Grey beyond the picture in a free-size input: one cell of the coarsest grid. With the picture
    /// flush against the input's edge, objects at the frame's bottom scored differently from the
    /// square input (a laptop 0.62 on it was missed, a person's box moved to IoU 0.83); with 16 or
    /// 32 pixels every person and forbidden object matches (IoU ≥ 0.905, confidence within 0.052 over
    /// the dev images and clips, `InferenceEngineTests`). A 640x480 frame is then 416x352.
    public static let framePadding = 32

    /// The input the model is given for a frame of this size.
    public func inputSize(frameWidth: Int, frameHeight: Int) -> DetectorInputSize {
        let side = configuration.inputSize
        return fitsFrameAspect ? .fitting(frameWidth: frameWidth, frameHeight: frameHeight, side: side, padding: Self.framePadding) : .square(side)
    }

    public func detect(in image: Image, offset: Point2 = Point2(x: 0, y: 0)) throws(VisionError) -> [ObjectDetection] {
        let size = inputSize(frameWidth: image.width, frameHeight: image.height)
        let (letterboxed, scale) = try image.letterboxed(width: size.width, height: size.height)
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
                    try YOLOXDecoder(inputWidth: size.width, inputHeight: size.height).decode(
                        values, classCount: classCount, letterboxScale: scale, classMap: classes)
                case .yolov8:
                    try YOLOv8Decoder(inputSize: size.width).decode(values, classCount: classCount, letterboxScale: scale, classMap: classes)
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
