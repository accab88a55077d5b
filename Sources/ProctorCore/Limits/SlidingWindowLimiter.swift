/// Allows at most `limit` events in any `window` seconds: the frame rate limit of a live session,
/// and the count of bad messages after which a client is disconnected.
public struct SlidingWindowLimiter: Sendable {
    public let limit: Int
    public let window: Double
    private var times: [Double] = []

    public init(limit: Int, window: Double) {
        self.limit = max(1, limit)
        self.window = window
    }

    /// Records an event at `time` if it fits, and says whether it did.
    public mutating func allow(at time: Double) -> Bool {
        times.removeAll { $0 <= time - window || $0 > time }
        guard times.count < limit else { return false }
        times.append(time)
        return true
    }

    /// No events in the window ending at `time`: the limiter can be forgotten.
    public func isIdle(at time: Double) -> Bool { count(at: time) == 0 }

    /// Events in the window ending at `time`.
    public func count(at time: Double) -> Int {
        times.filter { $0 > time - window && $0 <= time }.count
    }
}
