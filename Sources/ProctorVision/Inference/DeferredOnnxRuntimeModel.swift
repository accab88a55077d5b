/// An ONNX Runtime model opened on its first run, for networks many servers never run.
///
/// An opened session holds its weights, pre-packed kernels and graph: MobileFaceNet's took 21.8 MB of
/// an idle server's heap and Silero VAD's 16.9 MB (heaptrack, README Performance), for identity checks
/// that only sessions with a reference photo make and sound that only recorded chunks have. The file
/// is found at start (a missing one is still an error then); the engine opens it once, for every
/// worker, when a worker first needs it.
public final class DeferredOnnxRuntimeModel: InferenceModel, @unchecked Sendable {
    private let engine: OnnxRuntimeInferenceEngine
    public let path: String
    public var engineName: String { OnnxRuntimeInferenceEngine.engineName }

    init(engine: OnnxRuntimeInferenceEngine, path: String) {
        self.engine = engine
        self.path = path
    }

    /// The session, opened by the first caller (later ones get the engine's cached session).
    public func session() throws(VisionError) -> OnnxRuntimeInferenceModel {
        try engine.session(at: path)
    }

    public var inputNames: [String] { (try? session().inputNames) ?? [] }
    public var outputNames: [String] { (try? session().outputNames) ?? [] }

    public func run(_ input: Tensor) throws(VisionError) -> [Tensor] {
        try session().run(input)
    }
}
