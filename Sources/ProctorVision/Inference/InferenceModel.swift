/// A loaded neural network that maps one input tensor to named output tensors.
///
/// The pipeline's model wrappers talk to this protocol, not to an engine, so that the engine can be
/// swapped without touching decoding logic. Not thread-safe: each worker holds its own instance.
public protocol InferenceModel: AnyObject {
    /// Name of the engine that runs it, for logs and `/ws/pipeline/info`.
    var engineName: String { get }
    var inputNames: [String] { get }
    var outputNames: [String] { get }
    /// Runs one forward pass on the first input; outputs in `outputNames` order, each with its shape.
    func run(_ input: Tensor) throws(VisionError) -> [Tensor]
}
