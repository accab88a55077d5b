import CProctorVision

/// An ONNX model run by OpenCV's DNN module (CPU).
public final class OpenCVInferenceModel: InferenceModel {
    private let handle: OpaquePointer
    public let path: String
    public let outputNames: [String]
    /// OpenCV's importer does not expose input names; a single unnamed input is fed.
    public var inputNames: [String] { ["input"] }
    public var engineName: String { "opencv-dnn" }

    public init(path: String) throws(VisionError) {
        do {
            handle = try created("cannot load model \(path)") { pv_dnn_net_load(path, $0) }
        } catch {
            throw VisionError(.modelInvalid, error.message)
        }
        self.path = path
        let net = handle
        outputNames = (0..<pv_dnn_net_output_count(net)).map { String(cString: pv_dnn_net_output_name(net, $0)) }
    }

    deinit {
        pv_dnn_net_free(handle)
    }

    public func run(_ input: Tensor) throws(VisionError) -> [Tensor] {
        let shape = input.shape.map { Int32($0) }
        _ = try checked("inference with \(path)") { status in
            input.values.withUnsafeBufferPointer { values in
                shape.withUnsafeBufferPointer { pv_dnn_net_run(handle, values.baseAddress, $0.baseAddress, Int32(shape.count), status) }
            }
        }
        return (0..<Int32(outputNames.count)).map { index in
            let length = pv_dnn_net_output_length(handle, index)
            var values = [Float](repeating: 0, count: length)
            let copied = values.withUnsafeMutableBufferPointer { pv_dnn_net_output_copy(handle, index, $0.baseAddress, length) }
            return Tensor(shape: [copied], values: Array(values.prefix(copied)))
        }
    }
}
