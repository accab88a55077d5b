import Foundation
import ProctorCore

/// A job in the durable queue.
public struct JobRecord: Sendable, Hashable, Codable {
    public var id: Int64?
    public var kind: JobKind
    public var sessionId: String
    /// The chunk for chunk jobs, -1 otherwise.
    public var chunkIndex: Int
    public var status: JobStatus
    public var attempts: Int
    /// Seconds since 1970 (the queue compares plain numbers).
    public var runAfter: Double
    public var leaseOwner: String?
    public var leaseExpiresAt: Double?
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(kind: JobKind, sessionId: String, chunkIndex: Int = -1, runAfter: Double, at date: Date) {
        self.kind = kind
        self.sessionId = sessionId
        self.chunkIndex = chunkIndex
        status = .queued
        attempts = 0
        self.runAfter = runAfter
        createdAt = date
        updatedAt = date
    }

    public var state: JobState {
        JobState(status: status, attempts: attempts, runAfter: runAfter, leaseExpiresAt: leaseExpiresAt, lastError: lastError)
    }

    public mutating func apply(_ state: JobState, at date: Date) {
        status = state.status
        attempts = state.attempts
        runAfter = state.runAfter
        leaseExpiresAt = state.leaseExpiresAt
        lastError = state.lastError
        if state.status != .running { leaseOwner = nil }
        updatedAt = date
    }
}
