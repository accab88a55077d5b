import Foundation
import Logging
import ProctorCore
import ProctorVision

/// A fixed set of threads for blocking CV work, each owning its own copy of the models.
///
/// OpenCV calls block for milliseconds; on Swift's cooperative pool or a NIO event loop they would
/// stall unrelated work. Jobs queue here in arrival order and run on the first free worker, those
/// that finish a frame already decoded (`Priority.frameInHand`) before those that start a new one.
/// The pool is sized to the cores, so many sessions share the same few workers fairly.
public final class VisionWorkerPool: Sendable {
    /// Which waiting jobs a free worker takes first.
    public enum Priority: Sendable {
        /// Work that starts on a frame (decoding it, reading the next frame of a video).
        case newFrame
        /// Work on a frame already decoded (its face and object paths, its evidence snapshot). Taken
        /// first, so that a loaded server finishes the frames it holds before it decodes more: in
        /// arrival order, every session's decoded frame (921 KB at 640x480) waited behind the other
        /// sessions' decodes, 46 MB of them at the peak at 40 sessions (heaptrack).
        case frameInHand
    }

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
    public func run<T: Sendable>(priority: Priority = .newFrame, _ body: @escaping @Sendable (VisionModels) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = queue.enqueue(first: priority == .frameInHand) { models in
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

/// The two FIFOs the workers take jobs from: `first` before `rest`.
private final class JobQueue: @unchecked Sendable {
    typealias Job = (VisionModels) -> Void
    private let condition = NSCondition()
    private var first = JobLine()
    private var rest = JobLine()
    private var closed = false

    func enqueue(first isFirst: Bool, _ job: @escaping Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        if isFirst { first.append(job) } else { rest.append(job) }
        condition.signal()
        return true
    }

    var pendingCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return first.count + rest.count
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
        while first.count == 0 && rest.count == 0 && !closed {
            condition.wait()
        }
        return first.takeFirst() ?? rest.takeFirst()
    }
}

/// Jobs in arrival order.
private struct JobLine {
    /// Waiting jobs from `head` on; a slot is emptied as its job is taken, so a finished job's
    /// closure (and the frame it captured, about 1 MB) is released at once. Keeping taken slots until
    /// a compaction held 1,024 finished closures: under load about 300 decoded frames, 275 MB, were
    /// kept alive that way (heaptrack, 16 live sessions).
    private var jobs: [JobQueue.Job?] = []
    private var head = 0

    var count: Int { jobs.count - head }

    mutating func append(_ job: @escaping JobQueue.Job) {
        jobs.append(job)
    }

    mutating func takeFirst() -> JobQueue.Job? {
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
