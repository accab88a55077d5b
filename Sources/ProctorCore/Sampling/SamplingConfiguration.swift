/// When a frame is worth the detectors' time.
public struct SamplingConfiguration: Sendable, Hashable, Codable {
    /// Off: every frame is processed (still images, benchmarks).
    public var enabled: Bool
    /// Mean absolute grey-level difference (0...255) above which a frame counts as "moving".
    public var motionThreshold: Double
    /// A frame is processed at least this often, moving or not.
    public var minFps: Double
    /// A moving frame is processed at most this often.
    public var maxFps: Double

    public init(enabled: Bool = true, motionThreshold: Double = 10.0, minFps: Double = 2, maxFps: Double = 10) {
        self.enabled = enabled
        self.motionThreshold = motionThreshold
        self.minFps = minFps
        self.maxFps = maxFps
    }
}
