/// Everything that shapes how a frame is analysed. Defaults are the product's defaults; every field
/// can be overridden from the configuration file or the environment (see `ConfigurationLoader`).
public struct PipelineConfiguration: Sendable, Hashable, Codable {
    public var sampling = SamplingConfiguration()
    public var preprocessing = PreprocessingConfiguration()
    public var roi = RegionOfInterest()
    public var faces = FaceConfiguration()
    public var gaze = GazeConfiguration()
    public var objects = ObjectDetectionConfiguration()
    public var identity = IdentityConfiguration()
    /// Processed frames in the behaviour window.
    public var behaviourWindow = 30
    public var risk = RiskWeights()
    /// A frame whose processing takes longer than this is flagged `frame_within_timeout: false`.
    public var frameTimeoutMs = 500.0
    /// Still images larger than this many pixels are refused before decoding (an 8000x8000 JPEG is 192 MB decoded).
    public var maximumImagePixels = 4096 * 4096

    public init() {}
}

/// Image clean-up before detection; each step can be switched off.
public struct PreprocessingConfiguration: Sendable, Hashable, Codable {
    public var enabled = true
    /// Contrast-limited histogram equalisation on the L channel of LAB: evens out poor lighting.
    public var claheEnabled = true
    public var claheClipLimit = 2.0
    public var claheTileGrid = 8
    /// Edge-preserving smoothing: removes webcam noise without blurring facial features.
    public var bilateralEnabled = true
    public var bilateralDiameter = 5
    public var bilateralSigmaColor = 50.0
    public var bilateralSigmaSpace = 50.0
    /// 1 leaves brightness alone; above 1 brightens dark frames.
    public var gamma = 1.0
    /// A Gaussian blur of this odd kernel before everything else (0: none). Set per frame by
    /// `lowLight` on dark frames; 0 by default.
    public var denoiseKernel = 0
    /// A gamma after the blur and before CLAHE (1: none). Set per frame by `lowLight` on dark frames.
    public var brighteningGamma = 1.0
    /// Dark frames: measured on the detector's input, adapted, and poorly lit ones flagged.
    public var lowLight = LowLightConfiguration()

    public init() {}
}

/// The part of the frame to analyse, as fractions of its size. Detections are mapped back to the full frame.
public struct RegionOfInterest: Sendable, Hashable, Codable {
    public var enabled = false
    public var x = 0.0
    public var y = 0.0
    public var width = 1.0
    /// The top 70 % by default: a webcam's bottom band shows the desk and keyboard, not the face.
    public var height = 0.7

    public init() {}

    /// The region in pixels for a frame of the given size; nil when it is off or would be empty.
    public func pixels(frameWidth: Int, frameHeight: Int) -> (x: Int, y: Int, width: Int, height: Int)? {
        guard enabled else { return nil }
        let px = Int((x * Double(frameWidth)).rounded())
        let py = Int((y * Double(frameHeight)).rounded())
        let pw = min(frameWidth - px, Int((width * Double(frameWidth)).rounded()))
        let ph = min(frameHeight - py, Int((height * Double(frameHeight)).rounded()))
        guard pw > 0, ph > 0 else { return nil }
        return (px, py, pw, ph)
    }
}

/// Face detection and head pose.
public struct FaceConfiguration: Sendable, Hashable, Codable {
    /// YuNet 2022mar (`cv::FaceDetectorYN`); OpenCV 4.6 cannot run the 2023 format.
    public var detectorModel = "face_detection_yunet_2022mar.onnx"
    /// The same network with a free input size (built by setup, `scripts/patch_yunet.py`), run on ONNX
    /// Runtime whenever that is the inference engine and the file is present, and decoded by
    /// `YuNetDecoder`: 1.4 ms against `cv::FaceDetectorYN`'s 4.3 ms at 320x240 on one thread, the same
    /// faces (README, Performance). Without it (or on OpenCV DNN) `detectorModel` runs on `cv::FaceDetectorYN`.
    public var detectorInferenceModel = "face_detection_yunet_2022mar_dynamic.onnx"
    /// Below 0.9 YuNet fires on hands (MODELS.md).
    public var scoreThreshold = 0.9
    public var nmsThreshold = 0.3
    /// Frames are downscaled to this width for face detection: 5x faster than 640 px, enough for a webcam face.
    public var detectionWidth = 320
    /// When nothing is found at `detectionWidth` in a frame wider than this, look once more at this
    /// width (0 disables), so that small faces in large photos are not missed. A 640-px webcam frame
    /// is not retried: an empty desk would cost a second, 5x slower detection.
    public var retryWidth = 640
    /// MediaPipe Face Mesh v1: 468 landmarks.
    public var landmarkModel = "face_landmark_mediapipe_v1.onnx"
    /// The same network with its PReLU layers written as ReLUs (built by setup,
    /// `scripts/patch_prelu.py`): the same outputs bit for bit, run on ONNX Runtime whenever that is
    /// the engine and the file is present. ONNX Runtime has no blocked-layout PReLU: in the official
    /// file the 23 PReLUs and the layout changes around them took 72 % of the mesh's time; 5.1–5.4 ms
    /// → 2.0–2.5 ms per face (README, Performance). Empty: `landmarkModel` everywhere.
    public var landmarkInferenceModel = "face_landmark_mediapipe_v1_relu.onnx"
    /// The canonical face whose vertex i matches landmark i; the pose comes from solvePnP against it.
    public var canonicalFaceModel = "3d/canonical_face_model.obj"
    /// Minimum face-presence probability from the mesh for its landmarks to be trusted.
    public var minimumLandmarkPresence = 0.5
    /// Follow the face between detections (`FaceTrackingRule`): the mesh takes its crop from the
    /// previous frame's landmarks and the detector runs only every `redetectSeconds`, when the face
    /// was lost, or in poor light. The detector was the costliest stage of the face path.
    public var tracking = true
    /// Seconds between detections while a face is followed: the object pass's cadence, so a second
    /// person is found as soon as the objects would find their body.
    public var redetectSeconds = 1.0

    public init() {}

    /// The tracking rule these settings give.
    public var trackingRule: FaceTrackingRule { FaceTrackingRule(enabled: tracking, redetectSeconds: redetectSeconds) }
}

/// Object detection: which model, its output layout, and what its classes mean.
public struct ObjectDetectionConfiguration: Sendable, Hashable, Codable {
    public var enabled = true
    public var model = "yolox_nano.onnx"
    /// The same network with a free input size (built by setup, `scripts/patch_yolox.py`), run on ONNX
    /// Runtime whenever that is the inference engine, the format is YOLOX and the file is present: it
    /// is given the frame's own aspect (`DetectorInputSize.fitting`), 416x352 for a 640x480 frame
    /// instead of 416x416 with a quarter of padding, 6.8 ms against 9.8 ms on one thread with the same
    /// people and forbidden objects (README, Performance). Without it (or on OpenCV DNN, or when empty) `model` runs on the
    /// square input.
    public var inferenceModel = "yolox_nano_dynamic.onnx"
    public var format = DetectorOutputFormat.yolox
    /// Input side in pixels: the square's side, or the longer side of a free-size model's input.
    public var inputSize = 416
    public var nmsThreshold = 0.45
    /// Seconds between object passes on a live or video stream; 0 runs on every processed frame.
    public var interval = 1.0
    /// Run the detector on the preprocessed frame instead of the frame as captured. Off by default:
    /// YOLOX was trained on ordinary photos, and CLAHE + smoothing cost it objects on the test set
    /// (a laptop at 0.62 on the raw frame was missed on the preprocessed one).
    public var usePreprocessedFrame = false
    public var classes = ObjectClassMap.coco

    public init() {}
}

/// Face verification against a reference photo.
public struct IdentityConfiguration: Sendable, Hashable, Codable {
    /// MobileFaceNet patched for OpenCV 4.6, fed through `cv::FaceRecognizerSF`.
    public var model = "mobilefacenet_sf.onnx"
    /// Cosine similarity at or above this is the same person.
    public var matchThreshold = 0.45
    /// Between this and `matchThreshold` the answer is "uncertain"; below it, a different person.
    public var uncertainThreshold = 0.35

    public init() {}
}
