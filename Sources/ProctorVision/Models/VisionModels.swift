import ProctorCore

/// The models of one CV worker. OpenCV's networks (and `cv::FaceDetectorYN`, `cv::FaceRecognizerSF`)
/// are the worker's own; the ONNX Runtime sessions are the engine's, one per file for every worker
/// (`OnnxRuntimeInferenceEngine`), so a second worker costs little memory.
public final class VisionModels {
    public let faceDetector: FaceDetector
    public let landmarker: FaceLandmarker
    public let poseEstimator: HeadPoseEstimator
    public let objectDetector: ObjectDetector
    public let embedder: FaceEmbedder
    /// MediaPipe iris on both eyes; nil when eye gaze is switched off.
    public let irisLandmarker: IrisLandmarker?

    /// Loads every model; the face mesh, object detector and face embedder run on `engine`, and YuNet
    /// too when that is ONNX Runtime and setup built its free-size file (else on `cv::FaceDetectorYN`).
    /// On ONNX Runtime the object detector is YOLOX's free-size file, and the face mesh and the iris
    /// model their ReLU files, when setup built them (else the official files).
    public init(configuration: PipelineConfiguration, directory: ModelDirectory, engine: any InferenceEngine = OpenCVInferenceEngine()) throws(VisionError) {
        let lowLight = configuration.preprocessing.lowLight
        let candidates = lowLight.enabled ? lowLight.secondPassScore : 0
        let onnxRuntime = engine.name == OnnxRuntimeInferenceEngine.engineName
        /// The derived file `name` (models/derived.tsv) when it runs here: on ONNX Runtime, configured
        /// (not empty) and built by setup; nil: the official file.
        func derived(_ name: String) -> String? {
            guard onnxRuntime, !name.isEmpty else { return nil }
            return try? directory.path(for: name)
        }
        /// The derived file when it runs here, else the official one.
        func file(_ derivedName: String, else official: String) throws(VisionError) -> String {
            if let path = derived(derivedName) { return path }
            return try directory.path(for: official)
        }
        let faces = configuration.faces
        if let path = derived(faces.detectorInferenceModel) {
            faceDetector = try FaceDetector(model: try engine.loadModel(at: path), configuration: faces, candidateThreshold: candidates)
        } else {
            faceDetector = try FaceDetector(modelPath: directory.path(for: faces.detectorModel), configuration: faces, candidateThreshold: candidates)
        }
        landmarker = FaceLandmarker(model: try engine.loadModel(at: file(faces.landmarkInferenceModel, else: faces.landmarkModel)))
        let faceModel = try CanonicalFaceModel(objFile: directory.path(for: faces.canonicalFaceModel))
        poseEstimator = HeadPoseEstimator(model: faceModel)
        let objects = configuration.objects
        if objects.format == .yolox, let path = derived(objects.inferenceModel) {
            objectDetector = ObjectDetector(model: try engine.loadModel(at: path), configuration: objects, fitsFrameAspect: true)
        } else {
            objectDetector = ObjectDetector(model: try engine.loadModel(at: directory.path(for: objects.model)), configuration: objects)
        }
        let embedderPath = try directory.path(for: configuration.identity.model)
        // On ONNX Runtime, MobileFaceNet is opened by the first identity check (`DeferredOnnxRuntimeModel`).
        let embedderModel: any InferenceModel =
            if let onnxRuntime = engine as? OnnxRuntimeInferenceEngine { onnxRuntime.deferredModel(at: embedderPath) } else {
                try engine.loadModel(at: embedderPath)
            }
        embedder = try FaceEmbedder(modelPath: embedderPath, model: embedderModel)
        let eyes = configuration.gaze.eyes
        irisLandmarker =
            eyes.enabled ? IrisLandmarker(model: try engine.loadModel(at: file(eyes.inferenceModel, else: eyes.model))) : nil
    }

    /// Which engine runs each network, for logs and the pipeline info route.
    public var engines: [String: String] {
        var engines = [
            "face_detector": faceDetector.engineName,
            "face_landmarks": landmarker.engineName,
            "object_detector": objectDetector.engineName,
            "face_embedder": embedder.engineName,
        ]
        if let irisLandmarker { engines["iris_landmarks"] = irisLandmarker.engineName }
        return engines
    }
}
