import ProctorCore

/// Something that loads ONNX models and runs them: OpenCV DNN (always there) or ONNX Runtime
/// (when its library loads). The model wrappers depend on this protocol, not on an engine.
public protocol InferenceEngine: Sendable {
    /// "opencv-dnn" or "onnxruntime", for logs and `/ws/pipeline/info`.
    var name: String { get }
    /// Loads a model; a file that cannot be loaded is an error naming it.
    func loadModel(at path: String) throws(VisionError) -> any InferenceModel
}

/// OpenCV's DNN module on the CPU.
public struct OpenCVInferenceEngine: InferenceEngine {
    public init() {}
    public var name: String { "opencv-dnn" }

    public func loadModel(at path: String) throws(VisionError) -> any InferenceModel {
        try OpenCVInferenceModel(path: path)
    }
}

/// Chooses the engine the configuration asks for.
public enum InferenceEngineSelection {
    /// The engine for `kind`; `auto` takes ONNX Runtime when its library loads and OpenCV otherwise,
    /// and says why in `note`. Asking for `onnxruntime` explicitly and not getting it is an error.
    public static func select(_ kind: InferenceEngineKind, libraryPath: String, intraOpThreads: Int) throws(VisionError) -> (
        engine: any InferenceEngine, note: String?
    ) {
        switch kind {
        case .opencv:
            return (OpenCVInferenceEngine(), nil)
        case .onnxruntime:
            return (try OnnxRuntimeInferenceEngine(libraryPath: libraryPath, intraOpThreads: intraOpThreads), nil)
        case .auto:
            do {
                return (try OnnxRuntimeInferenceEngine(libraryPath: libraryPath, intraOpThreads: intraOpThreads), nil)
            } catch {
                return (OpenCVInferenceEngine(), "ONNX Runtime unavailable (\(error.message)); using OpenCV DNN")
            }
        }
    }
}
