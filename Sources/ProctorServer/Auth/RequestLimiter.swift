import Foundation
import ProctorCore

/// Sliding-window limits per key (client address, session): many keys, each cheap, forgotten when idle.
actor RequestLimiter {
    private let limit: Int
    private let window: Double
    private var windows: [String: SlidingWindowLimiter] = [:]
    private var lastSweep = ContinuousClock.now
    private let started = ContinuousClock.now

    init(limit: Int, window: Double) {
        self.limit = limit
        self.window = window
    }

    /// True when the request under `key` is within the limit (and counts it).
    func allow(_ key: String) -> Bool {
        let now = started.secondsElapsed
        if ContinuousClock.now - lastSweep > .seconds(window * 4) { sweep(now: now) }
        var limiter = windows[key] ?? SlidingWindowLimiter(limit: limit, window: window)
        let allowed = limiter.allow(at: now)
        windows[key] = limiter
        return allowed
    }

    /// Forgets a key (e.g. a successful login clears the failures of its address).
    func reset(_ key: String) {
        windows[key] = nil
    }

    private func sweep(now: Double) {
        windows = windows.filter { !$0.value.isIdle(at: now) }
        lastSweep = .now
    }
}
