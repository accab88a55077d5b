/// Object detection is the costliest stage, so it may run less often than the face path;
/// between runs the last result is carried, with its age.
///
/// Many sessions that start together would run their passes on the same frames (a 1 s cadence on
/// 2 frames/s is every other frame, the same half-second for all): bursts of object passes that the
/// CV workers queue while the other half-second idles. So each session has a `phase`: its first pass
/// runs on its first frame, the second after `(0.5 + phase)` intervals, and the passes follow every
/// interval from there. Measured with 48 sessions started together (README, Performance): round-trip
/// p95 284 ms with every session in step, 112 ms with the phases spread.
public struct ObjectDetectionCadence: Sendable {
    /// Seconds between object passes; 0 runs them on every processed frame.
    public let interval: Double
    /// Where, in 0..<1 of an interval, this session's passes fall after its first (0.5: one interval
    /// after the first).
    public let phase: Double
    private var lastRun: Double?
    private var runs = 0

    public init(interval: Double, phase: Double = 0.5) {
        self.interval = max(0, interval)
        self.phase = min(max(phase, 0), 0.999)
    }

    /// A phase for a session, spread evenly and the same on every machine (FNV-1a of its id).
    public static func phase(for sessionId: String) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sessionId.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Double(hash % 1000) / 1000
    }

    /// Whether a processed frame at `timestamp` should run object detection.
    public func isDue(at timestamp: Double) -> Bool {
        guard let lastRun, interval > 0 else { return true }
        let elapsed = timestamp - lastRun
        let wait = runs == 1 ? interval * (0.5 + phase) : interval
        return elapsed < 0 || elapsed >= wait - 0.001
    }

    public mutating func recordRun(at timestamp: Double) {
        lastRun = timestamp
        runs += 1
    }

    /// Seconds since the last run, nil if none ran yet.
    public func age(at timestamp: Double) -> Double? {
        lastRun.map { max(0, timestamp - $0) }
    }
}
