import ProctorCore

/// One worker's own copy of every model. OpenCV networks are not safe to share between threads, so
/// each CV worker loads a set at start-up and uses it alone.
public final class VisionModels {
    public let faceDetector: FaceDetector
    public let landmarker: FaceLandmarker
    public let poseEstimator: HeadPoseEstimator
    public let objectDetector: ObjectDetector
    public let embedder: FaceEmbedder

    public init(configuration: PipelineConfiguration, directory: ModelDirectory) throws(VisionError) {
        faceDetector = try FaceDetector(modelPath: directory.path(for: configuration.faces.detectorModel), configuration: configuration.faces)
        landmarker = FaceLandmarker(model: try OpenCVInferenceModel(path: directory.path(for: configuration.faces.landmarkModel)))
        let faceModel = try CanonicalFaceModel(objFile: directory.path(for: configuration.faces.canonicalFaceModel))
        poseEstimator = HeadPoseEstimator(model: faceModel)
        objectDetector = ObjectDetector(
            model: try OpenCVInferenceModel(path: directory.path(for: configuration.objects.model)),
            configuration: configuration.objects
        )
        embedder = try FaceEmbedder(modelPath: directory.path(for: configuration.identity.model))
    }

    /// Which engine runs each network, for logs and the pipeline info route.
    public var engines: [String: String] {
        [
            "face_detector": "opencv-facedetectoryn",
            "face_landmarks": landmarker.engineName,
            "object_detector": objectDetector.engineName,
            "face_embedder": "opencv-facerecognizersf",
        ]
    }
}
