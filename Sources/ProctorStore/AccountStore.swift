import Foundation
import ProctorCore

/// Accounts, the audit log, accommodation profiles and server-wide secrets.
public protocol AccountStore: Sendable {
    func createUser(_ user: UserRecord) async throws
    func user(username: String) async throws -> UserRecord?
    func user(id: String) async throws -> UserRecord?
    func users() async throws -> [UserRecord]
    func updateUser(_ user: UserRecord) async throws
    func userCount() async throws -> Int

    /// The value stored under `name`, storing `candidate` first if there is none. Every server of a
    /// deployment gets the same value (e.g. the token signing key), whoever created it.
    func setting(_ name: String, orInsert candidate: String) async throws -> String

    func appendAudit(_ entries: [AuditRecord]) async throws
    /// Newest first; filtered by action and/or target when given.
    func audit(limit: Int, before: Int64?, action: String?, target: String?) async throws -> [AuditRecord]

    /// Replaces the profile for (candidate, exam); a profile with no scales deletes it.
    func saveAccommodation(_ accommodation: Accommodation) async throws
    func accommodations() async throws -> [Accommodation]
    /// The exam-specific profile of the candidate, else their general one.
    func accommodation(candidateId: String, examId: String) async throws -> Accommodation?
}

/// Deletion: whole sessions on request, and captured data past its retention.
public protocol PrivacyStore: Sendable {
    /// Everything on disk that belongs to the session (to delete before the rows).
    func purgeTarget(sessionId: String) async throws -> PurgeTarget?
    /// Deletes the session's rows (`SessionDataLayout.sessionTables`).
    func deleteSession(sessionId: String) async throws -> Bool

    /// Up to `limit` sessions that ended before `endedBefore` and still hold `kind`, with the files to delete.
    func purgeCandidates(_ kind: RetentionPolicy.DataKind, endedBefore: Date, limit: Int) async throws -> [PurgeTarget]
    /// Clears the references to `kind` in the session's rows and marks it purged.
    func markPurged(_ kind: RetentionPolicy.DataKind, sessionId: String, at: Date) async throws
}
