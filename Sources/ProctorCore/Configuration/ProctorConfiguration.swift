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
    /// Threads OpenCV may use inside one call; 0 means one per CPU core. Measured on 2 cores
    /// (README, Performance): 2 threads cut one frame's latency by a third (37 → 21 ms without
    /// objects) and cost about 10 % of throughput under many sessions; 1 maximises throughput.
    public var opencvThreads = 0

    public init() {}
}
