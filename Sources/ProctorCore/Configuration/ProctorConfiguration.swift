/// The whole configuration of a Proctor process, in one typed place.
///
/// Loaded by `ConfigurationLoader` from the defaults below, then an optional JSON file, then
/// `PROCTOR_*` environment variables. `proctor config` prints the effective values.
public struct ProctorConfiguration: Sendable, Hashable, Codable {
    public var server = ServerConfiguration()
    public var models = ModelsConfiguration()
    public var vision = VisionConfiguration()
    public var pipeline = PipelineConfiguration()

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

    public init() {}
}
