/// Holds the newest frame a session has not started on yet.
///
/// Under load a live session should analyse what the candidate is doing now, not work through a
/// backlog: a frame that arrives while another waits replaces it, and the replaced one is counted
/// as dropped.
actor FrameMailbox {
    struct Frame: Sendable {
        var bytes: [UInt8]
        var timestamp: Double
    }

    private var pending: Frame?
    private var waiter: CheckedContinuation<Frame?, Never>?
    private var closed = false
    private var dropped = 0

    /// Leaves a frame for the processor; returns false when it replaced an unprocessed one.
    @discardableResult
    func put(_ frame: Frame) -> Bool {
        guard !closed else { return false }
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: frame)
            return true
        }
        let replaced = pending != nil
        if replaced { dropped += 1 }
        pending = frame
        return !replaced
    }

    /// The next frame, waiting for one; nil once closed and empty.
    func next() async -> Frame? {
        if let frame = pending {
            pending = nil
            return frame
        }
        if closed { return nil }
        return await withCheckedContinuation { continuation in
            waiter = continuation
        }
    }

    /// Frames dropped since the last call.
    func takeDropped() -> Int {
        defer { dropped = 0 }
        return dropped
    }

    /// No more frames will come; a waiting processor finishes what is pending and stops.
    func close() {
        closed = true
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: nil)
        }
    }
}
