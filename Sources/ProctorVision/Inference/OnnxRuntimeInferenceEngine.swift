import CProctorVision
import Foundation

/// ONNX Runtime's CPU engine, from the C library the setup step unpacks from the pinned PyPI wheel.
///
/// The library is opened with `dlopen` at run time, so Proctor builds and runs without it; the
/// binding declares only the part of the versioned `OrtApi` table it uses and asks for that version.
public struct OnnxRuntimeInferenceEngine: InferenceEngine {
    /// Threads one model run may use (ONNX Runtime's intra-op pool); inter-op parallelism is off.
    public let intraOpThreads: Int
    public let version: String
    public var name: String { "onnxruntime" }

    /// Loads the library (once per process); throws when it is missing, corrupt or too old.
    public init(libraryPath: String, intraOpThreads: Int) throws(VisionError) {
        _ = try checked("cannot load ONNX Runtime from \(libraryPath)") { pv_ort_load(libraryPath, $0) }
        self.intraOpThreads = max(1, intraOpThreads)
        version = String(cString: pv_ort_version())
    }

    public func loadModel(at path: String) throws(VisionError) -> any InferenceModel {
        try OnnxRuntimeInferenceModel(path: path, intraOpThreads: intraOpThreads)
    }
}

/// One ONNX Runtime session.
public final class OnnxRuntimeInferenceModel: InferenceModel {
    private let handle: OpaquePointer
    public let path: String
    public let inputNames: [String]
    public let outputNames: [String]
    public var engineName: String { "onnxruntime" }

    init(path: String, intraOpThreads: Int) throws(VisionError) {
        do {
            handle = try created("cannot load model \(path)") { pv_ort_session_create(path, Int32(intraOpThreads), $0) }
        } catch {
            throw VisionError(.modelInvalid, error.message)
        }
        self.path = path
        let session = handle
        inputNames = (0..<pv_ort_session_input_count(session)).map { String(cString: pv_ort_session_input_name(session, $0)) }
        outputNames = (0..<pv_ort_session_output_count(session)).map { String(cString: pv_ort_session_output_name(session, $0)) }
    }

    deinit {
        pv_ort_session_free(handle)
    }

    public func run(_ input: Tensor) throws(VisionError) -> [Tensor] {
        let shape = input.shape.map { Int64($0) }
        _ = try checked("inference with \(path)") { status in
            input.values.withUnsafeBufferPointer { values in
                shape.withUnsafeBufferPointer { pv_ort_session_run(handle, values.baseAddress, $0.baseAddress, Int32(shape.count), status) }
            }
        }
        return (0..<Int32(outputNames.count)).map { index in
            let rank = Int(pv_ort_session_output_rank(handle, index))
            var dimensions = [Int64](repeating: 0, count: max(rank, 1))
            _ = dimensions.withUnsafeMutableBufferPointer { pv_ort_session_output_shape(handle, index, $0.baseAddress, Int32(rank)) }
            let length = pv_ort_session_output_length(handle, index)
            var values = [Float](repeating: 0, count: length)
            let copied = values.withUnsafeMutableBufferPointer { pv_ort_session_output_copy(handle, index, $0.baseAddress, length) }
            let shape = rank > 0 && dimensions.prefix(rank).reduce(1, *) == Int64(copied) ? dimensions.prefix(rank).map(Int.init) : [copied]
            return Tensor(shape: shape, values: Array(values.prefix(copied)))
        }
    }
}
