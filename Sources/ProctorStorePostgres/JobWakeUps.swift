import Synchronization

/// Idle workers waiting for a job, and the one call that wakes them all.
///
/// The store keeps one LISTEN connection and fans each notification out through this, so a hundred
/// waiting workers cost one connection, not a hundred.
final class JobWakeUps: Sendable {
    private struct State {
        var nextId = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Returns at the next `wakeAll()`, or when the task is cancelled.
    func wait() async {
        let id = state.withLock { state in
            defer { state.nextId += 1 }
            return state.nextId
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let cancelled = state.withLock { state in
                    // Checked under the lock: a cancellation either ran before (and found no waiter to
                    // resume), so we resume here, or runs after and resumes the stored continuation.
                    if Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if cancelled { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Wakes every current waiter.
    func wakeAll() {
        let waiters = state.withLock { state in
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }
}
