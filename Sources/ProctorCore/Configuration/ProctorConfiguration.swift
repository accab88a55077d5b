/// The whole configuration of a Proctor process, in one typed place.
///
/// Loaded by `ConfigurationLoader` from the defaults below, then an optional JSON file, then
/// `PROCTOR_*` environment variables. `proctor config` prints the effective values.
public struct ProctorConfiguration: Sendable, Hashable, Codable {
    public var server = ServerConfiguration()
    public var recording = RecordingConfiguration()
    public var models = ModelsConfiguration()
    public var vision = VisionConfiguration()
    public var pipeline = PipelineConfiguration()
    public var privacy = PrivacyConfiguration()
    public var auth = AuthConfiguration()
    /// What the exam page (the SDK) reports about itself.
    public var browser = ClientEventRules()
    /// The room's sound in recorded sessions.
    public var audio = AudioConfiguration()
    /// Encryption at rest, the master key and file permissions.
    public var protection = ProtectionConfiguration()
    /// Where blobs live: the data folder or an S3-compatible bucket.
    public var storage = StorageConfiguration()

    public init() {}
}

/// Where model files live.
public struct ModelsConfiguration: Sendable, Hashable, Codable {
    /// Folder holding the files named in `models/manifest.tsv`; relative paths are resolved against the
    /// working directory, then against the checkout the executable was built in.
    public var directory = "models"

    public init() {}
}

/// The CV worker pool.
public struct VisionConfiguration: Sendable, Hashable, Codable {
    /// Worker threads, each with its own copy of the models; 0 means one per CPU core.
    public var workers = 0
    /// Threads OpenCV may use inside one call; 0 chooses: 1 in the server (many sessions share the
    /// workers; measured 14 sessions within p95 < 200 ms against 12 with 2 threads) and one per core
    /// for single analyses and the benchmark (one frame 37 → 20 ms without objects). README, Performance.
    public var opencvThreads = 0
    /// Which engine runs the face mesh, object detector and face embedder.
    public var engine = InferenceEngineKind.auto
    /// The ONNX Runtime C library (installed by scripts/setup.sh); relative paths are resolved like the model folder.
    public var onnxruntimeLibrary = "vendor/lib/libonnxruntime.so.1.31.1"
    /// Threads ONNX Runtime uses inside one model run; 0 chooses 1. Measured (README, Performance):
    /// with 2 threads its pool spins between runs and takes the cores from the other worker and from
    /// OpenCV (YOLOX 30 ms, whole frame 54 ms); with 1 thread YOLOX takes 19.5 ms and a whole frame 33.5 ms.
    public var inferenceThreads = 0

    public init() {}
}

/// The inference engine to use.
public enum InferenceEngineKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// ONNX Runtime when its library loads, OpenCV DNN otherwise.
    case auto
    case onnxruntime
    case opencv
}
