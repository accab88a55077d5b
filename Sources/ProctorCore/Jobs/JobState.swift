import Foundation

/// The life of a queued job, as plain values: what may happen next, and when a failed job is retried.
///
/// queued → running (claimed with a lease) → done | queued again (retry after backoff) | failed.
/// A running job whose lease expires (its worker died) may be claimed again by another worker.
public enum JobStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case queued
    case running
    case done
    case failed
}

/// The kinds of work on recorded sessions.
public enum JobKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Analyse one uploaded chunk.
    case processChunk = "process_chunk"
    /// Join processed chunks into batches.
    case mergeBatch = "merge_batch"
    /// Build the master video and close the session.
    case finalize
}

/// Retry policy and lease of the queue.
public struct JobPolicy: Sendable, Hashable, Codable {
    /// Attempts before a job ends as failed.
    public var maximumAttempts = 3
    /// First retry delay; doubled on each further attempt, up to `maximumBackoff`.
    public var initialBackoff = 2.0
    public var maximumBackoff = 60.0
    /// How long a claim lasts without a heartbeat.
    public var leaseSeconds = 30.0

    public init() {}

    /// Delay before attempt `attempt + 1` after attempt number `attempt` (1-based) failed.
    public func backoff(afterAttempt attempt: Int) -> Double {
        min(maximumBackoff, initialBackoff * pow(2, Double(max(0, attempt - 1))))
    }
}

/// A job's state as the queue sees it.
public struct JobState: Sendable, Hashable {
    public var status: JobStatus
    public var attempts: Int
    public var runAfter: Double
    public var leaseExpiresAt: Double?
    public var lastError: String?

    public init(status: JobStatus = .queued, attempts: Int = 0, runAfter: Double = 0, leaseExpiresAt: Double? = nil, lastError: String? = nil) {
        self.status = status
        self.attempts = attempts
        self.runAfter = runAfter
        self.leaseExpiresAt = leaseExpiresAt
        self.lastError = lastError
    }

    /// Whether a worker may claim the job at `now`: queued and due, or running with an expired lease.
    public func isClaimable(at now: Double) -> Bool {
        switch status {
        case .queued: runAfter <= now
        case .running: (leaseExpiresAt ?? 0) < now
        case .done, .failed: false
        }
    }

    /// The state after a worker claims it at `now`.
    public func claimed(at now: Double, policy: JobPolicy) -> JobState? {
        guard isClaimable(at: now) else { return nil }
        return JobState(status: .running, attempts: attempts + 1, runAfter: runAfter, leaseExpiresAt: now + policy.leaseSeconds, lastError: lastError)
    }

    /// The state after a heartbeat at `now`; nil when the job is no longer this worker's to extend.
    public func heartbeat(at now: Double, policy: JobPolicy) -> JobState? {
        guard status == .running else { return nil }
        var next = self
        next.leaseExpiresAt = now + policy.leaseSeconds
        return next
    }

    public func completed() -> JobState {
        JobState(status: .done, attempts: attempts, runAfter: runAfter, leaseExpiresAt: nil, lastError: nil)
    }

    /// The state after an attempt failed at `now`: retried later, or failed for good after the last attempt.
    public func failed(at now: Double, error: String, policy: JobPolicy) -> JobState {
        if attempts >= policy.maximumAttempts {
            return JobState(status: .failed, attempts: attempts, runAfter: runAfter, leaseExpiresAt: nil, lastError: error)
        }
        return JobState(status: .queued, attempts: attempts, runAfter: now + policy.backoff(afterAttempt: attempts), leaseExpiresAt: nil, lastError: error)
    }

    /// Puts a job back without counting an attempt (e.g. a finalizer waiting for chunks).
    public func deferred(until time: Double) -> JobState {
        JobState(status: .queued, attempts: max(0, attempts - 1), runAfter: time, leaseExpiresAt: nil, lastError: lastError)
    }
}
