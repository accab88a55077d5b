import Foundation
import ProctorCore

/// What the purge job (or a session deletion) must remove from disk for one session, gathered from
/// the database before the rows change.
public struct PurgeTarget: Sendable, Hashable {
    public var sessionId: String
    /// Keys in the blob store (chunks, batches, master, reference photo, event snapshots).
    public var blobKeys: [String]
    /// Live evidence paths relative to the data directory (`evidence/<session>/<id>.jpg`).
    public var evidencePaths: [String]

    public init(sessionId: String, blobKeys: [String], evidencePaths: [String]) {
        self.sessionId = sessionId
        self.blobKeys = blobKeys
        self.evidencePaths = evidencePaths
    }
}
