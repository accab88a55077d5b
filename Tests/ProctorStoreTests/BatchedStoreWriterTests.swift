import Foundation
import Logging
import ProctorCore
import ProctorStore
import Testing

/// The batched writer's loop: it writes what it was given, and it stops when asked, by `drain()` or
/// by its task's cancellation, without losing what was enqueued.
@Suite("Batched store writer")
struct BatchedStoreWriterTests {
    typealias F = Fixtures

    /// Whether the writer's loop has returned.
    actor Finished {
        private(set) var done = false
        func set() { done = true }
    }

    /// Starts the writer's loop in a task.
    func start(_ writer: BatchedStoreWriter) -> (task: Task<Void, Never>, finished: Finished) {
        let finished = Finished()
        let task = Task {
            await writer.run()
            await finished.set()
        }
        return (task, finished)
    }

    /// Waits up to `seconds` for the loop to return (without waiting on it, so that a loop that
    /// never returns fails the test instead of hanging it).
    func returns(_ finished: Finished, within seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if await finished.done { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test("a cancelled loop flushes and returns (a server whose port was taken exited instead of hanging)", arguments: Backend.all)
    func cancelledLoopReturns(backend: Backend) async throws {
        try await backend.withStore { store in
            let session = try await store.openSession(externalId: "writer-1", at: F.t0, metadata: [:])
            let writer = BatchedStoreWriter(store: store, interval: .milliseconds(200), logger: Logger(label: "test"))
            for attempt in 0..<20 {
                // Cancelled at once and a little later: the wait may or may not have begun.
                let loop = start(writer)
                if attempt % 2 == 1 { try await Task.sleep(for: .milliseconds(5)) }
                await writer.enqueue(.detection(F.detection(session.id, Double(attempt), processingMs: 1)))
                loop.task.cancel()
                guard await returns(loop.finished, within: 5) else {
                    Issue.record("attempt \(attempt): the cancelled loop did not return")
                    return
                }
            }
            #expect(await writer.pendingCount == 0)
            #expect(await writer.writtenCount == 20)
        }
    }

    @Test("the loop writes a full batch at once, and the rest at its interval", arguments: Backend.all)
    func batchesAndInterval(backend: Backend) async throws {
        try await backend.withStore { store in
            let session = try await store.openSession(externalId: "writer-2", at: F.t0, metadata: [:])
            let writer = BatchedStoreWriter(store: store, batchSize: 4, interval: .milliseconds(100), logger: Logger(label: "test"))
            let loop = start(writer)
            await writer.enqueue((0..<4).map { .detection(F.detection(session.id, Double($0), processingMs: 1)) })
            await writer.enqueue(.detection(F.detection(session.id, 10, processingMs: 1)))
            var waited = 0
            while await writer.writtenCount < 5, waited < 100 {
                try await Task.sleep(for: .milliseconds(20))
                waited += 1
            }
            #expect(await writer.writtenCount == 5)
            await writer.drain()
            #expect(await returns(loop.finished, within: 5))
        }
    }
}
