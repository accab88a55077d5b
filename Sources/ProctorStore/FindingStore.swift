import Foundation
import ProctorCore

/// Findings of every source in one place: live episodes (written through `StoreWrite.finding`),
/// recorded chunk events, and the reviewer's decisions on either.
public protocol FindingStore: Sendable {
    /// The session's findings: live ones by stream time, then recorded ones by chunk and offset.
    func findings(sessionId: String) async throws -> [FindingRecord]
    func finding(sessionId: String, id: String) async throws -> FindingRecord?
    /// Rewrites a stored finding (a reviewer's decision, the finalizer's video times); throws when
    /// there is none with its id. Live episodes are inserted and grown through `StoreWrite.finding`.
    func updateFinding(_ finding: FindingRecord) async throws
    /// Inserts a finding unless one with its id exists; false when it did (a client event sent
    /// again after a reconnect changes nothing, not even a reviewer's decision on it).
    func addFinding(_ finding: FindingRecord) async throws -> Bool
    /// Removes one finding (the finalizer joining speech that a chunk boundary cut in two); nothing
    /// when there is none with its id.
    func deleteFinding(sessionId: String, id: String) async throws
    /// Replaces the findings a worker made from one chunk, of its pictures and its sound
    /// (reprocessing a chunk must not duplicate them).
    func replaceFindings(sessionId: String, chunkIndex: Int, with findings: [FindingRecord]) async throws
    /// Finding counts by type for each session, from the given sources, dismissed findings excluded:
    /// the dashboard's ranking input.
    func openFindingCounts(sessionIds: [String], sources: [FindingSource]) async throws -> [String: [String: Int]]
    /// How many of those counts' `no_face` findings were seen in poor lighting (`details.poor_lighting`),
    /// for each session that has any: they weigh less in the ranking.
    func openPoorLightingNoFaceCounts(sessionIds: [String], sources: [FindingSource]) async throws -> [String: Int]
}

/// The pattern of a finding whose details say it was seen in poor lighting (details are stored as
/// compact JSON text by both backends).
public let poorLightingDetailsPattern = #"%"poor_lighting":true%"#
