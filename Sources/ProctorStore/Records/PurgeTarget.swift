import Foundation
import ProctorCore

/// What the purge job (or a session deletion) must remove from the blob store for one session,
/// gathered from the database before the rows change.
public struct PurgeTarget: Sendable, Hashable {
    public var sessionId: String
    /// Keys in the blob store (chunks, batches, master, reference photo, evidence snapshots).
    public var blobKeys: [String]

    public init(sessionId: String, blobKeys: [String]) {
        self.sessionId = sessionId
        self.blobKeys = Array(Set(blobKeys)).sorted()
    }
}
