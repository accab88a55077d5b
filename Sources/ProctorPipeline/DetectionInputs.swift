import ProctorCore
import ProctorVision

/// What a frame's face and object paths take from the pipeline's state, captured before the frame
/// goes to a CV worker (the pipeline itself stays with its session's task).
struct DetectionInputs: Sendable {
    var timestamp: Double
    var roi: RegionOfInterest
    var faces: FaceConfiguration
    var eyes: EyeGazeConfiguration
    var eyeSchedule: EyeSchedule
    /// The eye crops at the iris's last measurement.
    var eyeSignatures: [EyeSide: MotionSignature]
    var preprocessor: FramePreprocessor
    /// The face followed from the previous frames.
    var tracked: TrackedFace?
    /// Whether the object pass is due on this frame (`ObjectDetectionCadence`).
    var runObjects: Bool
    var objectsOnPreprocessed: Bool

    /// The configured region of interest in this frame's pixels, nil when off.
    func region(frameWidth: Int, frameHeight: Int) -> PixelRegion? {
        roi.pixels(frameWidth: frameWidth, frameHeight: frameHeight).map { PixelRegion(x: $0.x, y: $0.y, width: $0.width, height: $0.height) }
    }

    func analyseFaces(in frame: Image, region: PixelRegion?, models: VisionModels) throws -> FacePathResult {
        try models.analyseFaces(
            in: frame, at: timestamp, region: region, configuration: faces, eyes: eyes, schedule: eyeSchedule,
            previousSignatures: eyeSignatures, preprocessor: preprocessor, tracked: tracked)
    }

    func detectObjects(in frame: Image, region: PixelRegion?, models: VisionModels) throws -> ObjectPassResult {
        try models.detectObjects(in: objectsOnPreprocessed ? try preprocessor.process(frame) : frame, region: region)
    }
}
