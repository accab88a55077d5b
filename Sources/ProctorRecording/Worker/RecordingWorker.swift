import Foundation
import Logging
import ProctorCore
import ProctorStore

/// Takes jobs from the durable queue and runs them, `concurrency` at a time.
///
/// Any number of workers, in any number of processes and machines sharing the database and blob
/// store, can run together: a job is claimed atomically with a lease, kept alive by heartbeats while
/// it runs, and claimed again by another worker if its lease runs out (its worker died).
public struct RecordingWorker: Sendable {
    public let jobs: RecordingJobs
    public let kinds: [JobKind]
    public let concurrency: Int
    public let name: String
    public let logger: Logger
    private var policy: JobPolicy { jobs.configuration.recording.jobs }

    public init(jobs: RecordingJobs, kinds: [JobKind], concurrency: Int, name: String = "worker-\(UUID().uuidString.prefix(8).lowercased())", logger: Logger) {
        self.jobs = jobs
        self.kinds = kinds
        self.concurrency = max(1, concurrency)
        self.name = name
        self.logger = logger
    }

    /// Runs until the task is cancelled; a job in progress finishes first.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for slot in 0..<concurrency {
                group.addTask {
                    let owner = "\(name)-\(slot)"
                    while !Task.isCancelled {
                        let worked = await runNext(owner: owner)
                        if !worked {
                            // PostgreSQL wakes idle workers when a job is enqueued; SQLite's signal polls.
                            await jobs.store.waitForJobs(upTo: jobs.configuration.recording.pollSeconds)
                        }
                    }
                }
            }
        }
    }

    /// Claims and runs one job; false when none was due.
    @discardableResult
    public func runNext(owner: String) async -> Bool {
        let job: JobRecord
        do {
            guard let claimed = try await jobs.store.claimJob(kinds: kinds, owner: owner, now: Date(), policy: policy) else { return false }
            job = claimed
        } catch {
            logger.error("cannot claim a job: \(error)")
            return false
        }
        let logger = {
            var logger = self.logger
            logger[metadataKey: "session_id"] = "\(job.sessionId)"
            logger[metadataKey: "job"] = "\(job.kind.rawValue)#\(job.id ?? 0)"
            return logger
        }()
        let result: Result<RecordingJobs.Outcome, any Error> = await withTaskGroup(of: Result<RecordingJobs.Outcome, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await jobs.run(job, owner: owner)) } catch { return .failure(error) }
            }
            group.addTask {
                // Heartbeat at a third of the lease, until the job ends.
                let period = Duration.milliseconds(Int(policy.leaseSeconds * 1000 / 3))
                while (try? await Task.sleep(for: period)) != nil {
                    if let id = job.id, (try? await jobs.store.heartbeat(jobId: id, owner: owner, now: Date(), policy: policy)) == false {
                        logger.warning("lost the lease on a running job")
                    }
                }
                return nil
            }
            // The job's result ends the heartbeat; the heartbeat itself only ends when cancelled.
            for await outcome in group {
                if let outcome {
                    group.cancelAll()
                    return outcome
                }
            }
            return .failure(VideoToolError("the job ended without a result"))
        }
        var next = job
        switch result {
        case .success(.done):
            next.apply(job.state.completed(), at: Date())
        case .success(.deferred(let until)):
            next.apply(job.state.deferred(until: until.timeIntervalSince1970), at: Date())
        case .failure(let error):
            let state = job.state.failed(at: Date().timeIntervalSince1970, error: "\(error)", policy: policy)
            next.apply(state, at: Date())
            logger.error("job attempt \(job.attempts) failed: \(error)\(state.status == .failed ? "; giving up" : "; will retry")")
            if state.status == .failed { try? await jobs.chunkFailed(next) }
        }
        do {
            if try await !jobs.store.finishJob(next, owner: owner) {
                logger.warning("job was reclaimed by another worker before it finished; its result is dropped")
            }
        } catch {
            logger.error("cannot record the job's result: \(error)")
        }
        return true
    }
}

extension JobKind {
    /// The job kinds a `--role` runs.
    public static func forRole(_ role: String) -> [JobKind]? {
        switch role {
        case "chunks": [.processChunk]
        case "merge": [.mergeBatch]
        case "finalize": [.finalize]
        case "all": JobKind.allCases
        default: nil
        }
    }
}
