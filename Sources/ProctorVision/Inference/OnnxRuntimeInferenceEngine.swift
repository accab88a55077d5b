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
    /// Whether all sessions allocate from one CPU arena (ONNX Runtime with API version 6 or later):
    /// the arena then holds the peak of the runs happening at once, not every model's own peak.
    public let sharesArena: Bool
    public var name: String { Self.engineName }
    public static let engineName = "onnxruntime"
    /// The sessions this engine opened, by path: every CV worker that loads a model gets the same
    /// session, because a session keeps nothing of its runs (`pv_ort_result`) and ONNX Runtime's `Run`
    /// is thread-safe. One copy of each network's weights, pre-packed kernels and arena instead of one
    /// per worker (README, Performance: memory).
    private let sessions: SessionCache

    /// Loads the library (once per process); throws when it is missing, corrupt or too old.
    public init(libraryPath: String, intraOpThreads: Int) throws(VisionError) {
        _ = try checked("cannot load ONNX Runtime from \(libraryPath)") { pv_ort_load(libraryPath, $0) }
        self.intraOpThreads = max(1, intraOpThreads)
        version = String(cString: pv_ort_version())
        sharesArena = pv_ort_shares_arena() == 1
        sessions = SessionCache()
    }

    public func loadModel(at path: String) throws(VisionError) -> any InferenceModel {
        try session(at: path)
    }

    /// The session of `path`, opened on the first call.
    func session(at path: String) throws(VisionError) -> OnnxRuntimeInferenceModel {
        try sessions.session(at: path) { () throws(VisionError) in try OnnxRuntimeInferenceModel(path: path, intraOpThreads: intraOpThreads) }
    }

    /// The files whose sessions are open, sorted (for diagnostics and tests).
    public var openedPaths: [String] { sessions.paths }

    /// `path`'s model, opened on its first run (`DeferredOnnxRuntimeModel`).
    public func deferredModel(at path: String) -> DeferredOnnxRuntimeModel {
        DeferredOnnxRuntimeModel(engine: self, path: path)
    }
}

/// The sessions of one engine, opened once per path.
///
/// An `NSLock`, not `Synchronization.Mutex`: on this machine's kernel a contended `Mutex` aborts the
/// process (its priority-inheritance futex is refused; NOTES.md).
final class SessionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var opened: [String: OnnxRuntimeInferenceModel] = [:]

    var paths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return opened.keys.sorted()
    }

    func session(at path: String, open: () throws(VisionError) -> OnnxRuntimeInferenceModel) throws(VisionError) -> OnnxRuntimeInferenceModel {
        lock.lock()
        defer { lock.unlock() }
        if let session = opened[path] { return session }
        let session = try open()
        opened[path] = session
        return session
    }
}

/// One ONNX Runtime session, shared by every thread that runs it: immutable after creation, each run's
/// outputs in its own `pv_ort_result`.
public final class OnnxRuntimeInferenceModel: InferenceModel, @unchecked Sendable {
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
        let result = try created("inference with \(path)") { status in
            input.values.withUnsafeBufferPointer { values in
                shape.withUnsafeBufferPointer { pv_ort_session_run(handle, values.baseAddress, $0.baseAddress, Int32(shape.count), status) }
            }
        }
        defer { pv_ort_result_free(result) }
        return Self.outputs(of: result)
    }

    /// One input of a model with several (`run(_:)` of `[InferenceInput]`).
    public enum Input: Sendable {
        case float(Tensor)
        /// An int64 tensor; shape `[]` is a scalar (e.g. a sample rate).
        case int64(shape: [Int], values: [Int64])
    }

    /// Runs a model with several inputs, fed to its inputs in order (a recurrent model's samples and
    /// state). Only ONNX Runtime does this: OpenCV DNN cannot feed integer inputs.
    public func run(_ inputs: [Input]) throws(VisionError) -> [Tensor] {
        let shapes: [[Int64]] = inputs.map {
            switch $0 {
            case .float(let tensor): tensor.shape.map { Int64($0) }
            case .int64(let shape, _): shape.map { Int64($0) }
            }
        }
        let isFloat = inputs.map { if case .float = $0 { true } else { false } }
        let floats: [[Float]] = inputs.map { if case .float(let tensor) = $0 { tensor.values } else { [] } }
        let integers: [[Int64]] = inputs.map { if case .int64(_, let values) = $0 { values } else { [] } }
        let result = try created("inference with \(path)") { status in
            Self.withDescriptors(isFloat, floats, integers, shapes) { descriptors in
                pv_ort_session_run_inputs(handle, descriptors, Int32(descriptors.count), status)
            }
        }
        defer { pv_ort_result_free(result) }
        return Self.outputs(of: result)
    }

    /// The C descriptors over the arrays' storage (nested closures keep every buffer in place), valid
    /// inside `body` only.
    private static func withDescriptors<R>(
        _ isFloat: [Bool], _ floats: [[Float]], _ integers: [[Int64]], _ shapes: [[Int64]], _ body: ([pv_ort_input]) -> R
    ) -> R {
        var descriptors: [pv_ort_input] = []
        func next(_ index: Int) -> R {
            guard index < shapes.count else { return body(descriptors) }
            // A scalar has no dimensions; ONNX Runtime still reads the pointer, so give it one.
            let shape = shapes[index].isEmpty ? [Int64(1)] : shapes[index]
            let rank = Int32(shapes[index].count)
            return shape.withUnsafeBufferPointer { dimensions in
                if isFloat[index] {
                    return floats[index].withUnsafeBufferPointer { values in
                        descriptors.append(pv_ort_input(data: values.baseAddress, element_type: Int32(PV_ORT_FLOAT), shape: dimensions.baseAddress, rank: rank))
                        return next(index + 1)
                    }
                }
                return integers[index].withUnsafeBufferPointer { values in
                    descriptors.append(pv_ort_input(data: values.baseAddress, element_type: Int32(PV_ORT_INT64), shape: dimensions.baseAddress, rank: rank))
                    return next(index + 1)
                }
            }
        }
        return next(0)
    }

    /// Each output of a run as a tensor with its shape (a flat one when the shape does not match its length).
    private static func outputs(of result: OpaquePointer) -> [Tensor] {
        (0..<pv_ort_result_count(result)).map { index in
            let rank = Int(pv_ort_result_rank(result, index))
            var dimensions = [Int64](repeating: 0, count: max(rank, 1))
            _ = dimensions.withUnsafeMutableBufferPointer { pv_ort_result_shape(result, index, $0.baseAddress, Int32(rank)) }
            let length = pv_ort_result_length(result, index)
            var copied = 0
            let values = [Float](unsafeUninitializedCapacity: length) { buffer, initialized in
                copied = pv_ort_result_copy(result, index, buffer.baseAddress, length)
                initialized = copied
            }
            let shape = rank > 0 && dimensions.prefix(rank).reduce(1, *) == Int64(copied) ? dimensions.prefix(rank).map(Int.init) : [copied]
            return Tensor(shape: shape, values: values)
        }
    }
}
