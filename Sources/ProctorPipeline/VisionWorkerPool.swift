import Foundation
import Logging
import ProctorCore
import ProctorVision

/// A fixed set of threads for blocking CV work, each owning its own copy of the models.
///
/// OpenCV calls block for milliseconds; on Swift's cooperative pool or a NIO event loop they would
/// stall unrelated work. Jobs queue here in arrival order and run on the first free worker. The
/// pool is sized to the cores, so many sessions share the same few workers fairly.
public final class VisionWorkerPool: Sendable {
    public let size: Int
    /// Which engine runs each model (the same on every worker).
    public let engines: [String: String]
    private let queue: JobQueue

    /// Starts `size` workers and waits until each has loaded its models; throws the first load failure.
    public static func start(
        size: Int,
        openCVThreads: Int,
        logger: Logger = Logger(label: "proctor.vision"),
        makeModels: @escaping @Sendable () throws(VisionError) -> VisionModels
    ) async throws -> VisionWorkerPool {
        let count = max(1, size)
        OpenCVRuntime.setThreadCount(openCVThreads)
        let queue = JobQueue()
        let engines: [String: String] = try await withCheckedThrowingContinuation { continuation in
            let startup = Startup(expected: count, continuation: continuation)
            for index in 0..<count {
                let thread = Thread {
                    let models: VisionModels
                    do {
                        models = try makeModels()
                    } catch {
                        logger.error("vision worker \(index) could not load models: \(error)")
                        startup.report(.failure(error))
                        // The pool will not be handed out; let the workers that did load exit.
                        queue.close()
                        return
                    }
                    startup.report(.success(models.engines))
                    queue.serve(models)
                }
                thread.name = "proctor-cv-\(index)"
                thread.stackSize = 8 << 20
                thread.start()
            }
        }
        logger.info("vision workers ready", metadata: ["workers": "\(count)", "opencv_threads": "\(openCVThreads)"])
        return VisionWorkerPool(size: count, engines: engines, queue: queue)
    }

    private init(size: Int, engines: [String: String], queue: JobQueue) {
        self.size = size
        self.engines = engines
        self.queue = queue
    }

    /// Runs `body` on a worker with that worker's models, and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable (VisionModels) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = queue.enqueue { models in
                continuation.resume(with: Result { try body(models) })
            }
            if !accepted { continuation.resume(throwing: VisionError(.internalError, "the vision worker pool has shut down")) }
        }
    }

    /// Jobs waiting for a worker.
    public var pendingJobs: Int { queue.pendingCount }

    /// Lets queued jobs finish, then stops the workers.
    public func shutdown() {
        queue.close()
    }
}

/// The FIFO the workers take jobs from.
private final class JobQueue: @unchecked Sendable {
    typealias Job = (VisionModels) -> Void
    private let condition = NSCondition()
    /// Waiting jobs from `head` on; a slot is emptied as its job is taken, so a finished job's
    /// closure (and the frame it captured, about 1 MB) is released at once. Keeping taken slots until
    /// a compaction held 1,024 finished closures: under load about 300 decoded frames, 275 MB, were
    /// kept alive that way (heaptrack, 16 live sessions).
    private var jobs: [Job?] = []
    private var head = 0
    private var closed = false

    func enqueue(_ job: @escaping Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    var pendingCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return jobs.count - head
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The worker loop: runs until closed and drained.
    func serve(_ models: VisionModels) {
        while let job = next() {
            job(models)
        }
    }

    private func next() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !closed {
            condition.wait()
        }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        jobs[head] = nil
        head += 1
        // Compact now and then so the array of empty slots does not grow forever.
        if head > 64 && head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }
}

/// Collects the workers' start-up results and resumes the caller once.
private final class Startup: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    private var engines: [String: String] = [:]
    private var continuation: CheckedContinuation<[String: String], any Error>?

    init(expected: Int, continuation: CheckedContinuation<[String: String], any Error>) {
        remaining = expected
        self.continuation = continuation
    }

    func report(_ result: Result<[String: String], any Error>) {
        lock.lock()
        defer { lock.unlock() }
        guard let continuation else { return }
        switch result {
        case .failure(let error):
            self.continuation = nil
            continuation.resume(throwing: error)
        case .success(let engines):
            self.engines = engines
            remaining -= 1
            if remaining == 0 {
                self.continuation = nil
                continuation.resume(returning: engines)
            }
        }
    }
}
