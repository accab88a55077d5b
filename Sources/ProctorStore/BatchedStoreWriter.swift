import Foundation
import Logging

/// Collects writes and applies them in batches, so that the analysis path never waits on disk.
///
/// `enqueue` returns at once. A background loop applies what has accumulated every `interval`, or
/// sooner when `batchSize` writes are waiting. `drain()` (on shutdown) applies everything left:
/// whatever was enqueued before it is on disk when it returns.
public actor BatchedStoreWriter {
    private let store: any SessionStore
    private let batchSize: Int
    private let interval: Duration
    private let logger: Logger
    private var pending: [StoreWrite] = []
    private var wake: CheckedContinuation<Void, Never>?
    private var wakeRequested = false
    private var stopped = false
    private var flushing = false
    private var flushWaiters: [CheckedContinuation<Void, Never>] = []
    public private(set) var failedBatches = 0
    public private(set) var writtenCount = 0

    public init(store: any SessionStore, batchSize: Int = 256, interval: Duration = .milliseconds(200), logger: Logger) {
        self.store = store
        self.batchSize = batchSize
        self.interval = interval
        self.logger = logger
    }

    public func enqueue(_ write: StoreWrite) {
        enqueue([write])
    }

    public func enqueue(_ writes: [StoreWrite]) {
        pending += writes
        if pending.count >= batchSize { wakeUp() }
    }

    public var pendingCount: Int { pending.count }

    /// The write loop; returns after `drain()`, or when its task is cancelled (a service group
    /// whose other service failed: a server that could not bind its port), after a last flush.
    public func run() async {
        while !stopped && !Task.isCancelled {
            // Whichever ends first: the interval, or a wake (a full batch, a drain).
            await withTaskGroup(of: Bool.self) { group in
                let interval = self.interval
                group.addTask {
                    try? await Task.sleep(for: interval)
                    return false
                }
                group.addTask {
                    await self.waitForWake()
                    return true
                }
                let woken = await group.next()
                group.cancelAll()
                // The interval ended: release the waiter, which may not have begun to wait.
                if woken == false { self.wakeUp() }
            }
            if Task.isCancelled { break }
            await flush()
        }
        // The last flush runs outside this task: a cancelled task's writes are refused (the store
        // checks cancellation), and what was enqueued must still be written.
        await Task.detached { await self.flush() }.value
    }

    /// Applies everything enqueued so far and stops the loop.
    public func drain() async {
        stopped = true
        wakeUp()
        await flush()
    }

    /// Applies everything enqueued so far, without stopping.
    public func flushNow() async {
        await flush()
    }

    private func waitForWake() async {
        await withCheckedContinuation { continuation in
            if stopped || pending.count >= batchSize || wakeRequested {
                wakeRequested = false
                continuation.resume()
            } else {
                wake = continuation
            }
        }
    }

    /// Resumes the waiting loop, or, when it has not begun to wait, makes its next wait return at
    /// once. Without that, a sleep that ended before the waiting task had started (at once, in a
    /// cancelled task) left the waiter suspended for good, and the loop with it: the server then
    /// hung instead of exiting when its port was taken.
    private func wakeUp() {
        if let wake {
            wake.resume()
            self.wake = nil
        } else {
            wakeRequested = true
        }
    }

    private func flush() async {
        // One flush at a time keeps writes in order; a second caller waits for the first to finish
        // (suspended, not spinning), then flushes what arrived meanwhile.
        while flushing { await withCheckedContinuation { flushWaiters.append($0) } }
        flushing = true
        defer {
            flushing = false
            let waiters = flushWaiters
            flushWaiters.removeAll()
            for waiter in waiters { waiter.resume() }
        }
        while !pending.isEmpty {
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            do {
                try await store.apply(batch)
                writtenCount += batch.count
            } catch {
                failedBatches += 1
                logger.error("could not write \(batch.count) records: \(error)")
                // Keep them for the next attempt rather than lose acknowledged data.
                pending = batch + pending
                try? await Task.sleep(for: .milliseconds(500))
                if stopped && failedBatches > 5 { return }
            }
        }
    }
}
