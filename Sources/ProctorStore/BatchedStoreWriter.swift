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

    /// The write loop; returns after `drain()`.
    public func run() async {
        while !stopped {
            await withTaskGroup(of: Void.self) { group in
                let interval = self.interval
                group.addTask { try? await Task.sleep(for: interval) }
                group.addTask { await self.waitForWake() }
                await group.next()
                group.cancelAll()
                self.wakeUp()
            }
            await flush()
        }
        await flush()
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
            if stopped || pending.count >= batchSize {
                continuation.resume()
            } else {
                wake = continuation
            }
        }
    }

    private func wakeUp() {
        wake?.resume()
        wake = nil
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
