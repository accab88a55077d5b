/// A loaded neural network that maps one input tensor to named output tensors.
///
/// The pipeline's model wrappers talk to this protocol, not to an engine, so that the engine can be
/// swapped without touching decoding logic. OpenCV DNN networks are not thread-safe (each worker loads
/// its own); an ONNX Runtime engine opens each file once and every worker runs that one session.
public protocol InferenceModel: AnyObject {
    /// Name of the engine that runs it, for logs and `/ws/pipeline/info`.
    var engineName: String { get }
    var inputNames: [String] { get }
    var outputNames: [String] { get }
    /// Runs one forward pass on the first input; outputs in `outputNames` order, each with its shape.
    func run(_ input: Tensor) throws(VisionError) -> [Tensor]
}
