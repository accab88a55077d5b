/// Object detection is the costliest stage, so it may run less often than the face path;
/// between runs the last result is carried, with its age.
public struct ObjectDetectionCadence: Sendable {
    /// Seconds between object passes; 0 runs them on every processed frame.
    public let interval: Double
    private var lastRun: Double?

    public init(interval: Double) {
        self.interval = max(0, interval)
    }

    /// Whether a processed frame at `timestamp` should run object detection.
    public func isDue(at timestamp: Double) -> Bool {
        guard let lastRun, interval > 0 else { return true }
        let elapsed = timestamp - lastRun
        return elapsed < 0 || elapsed >= interval - 0.001
    }

    public mutating func recordRun(at timestamp: Double) {
        lastRun = timestamp
    }

    /// Seconds since the last run, nil if none ran yet.
    public func age(at timestamp: Double) -> Double? {
        lastRun.map { max(0, timestamp - $0) }
    }
}
