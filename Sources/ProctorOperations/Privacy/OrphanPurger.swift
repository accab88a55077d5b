import Foundation
import Logging
import ProctorCore
import ProctorRecording
import ProctorStore

/// Removes blobs no database row will ever name. An object store has no rename, so a chunk is
/// stored under its final key first and its row written after: a process that dies in between
/// leaves the blob behind. Anything under `sessions/` older than `minimumAge` (a day: far longer
/// than any upload or job takes) is an orphan when its session is unknown, or when it is a chunk
/// that no chunk row names.
public struct OrphanPurger: Sendable {
    let store: any SessionStore & RecordingStore
    let blobs: any BlobStore
    let minimumAge: TimeInterval
    let logger: Logger

    public init(store: any SessionStore & RecordingStore, blobs: any BlobStore, minimumAge: TimeInterval = 86_400, logger: Logger) {
        self.store = store
        self.blobs = blobs
        self.minimumAge = minimumAge
        self.logger = logger
    }

    /// Deletes the orphans; returns their keys.
    @discardableResult
    public func runOnce(now: Date = Date()) async throws -> [String] {
        let cutoff = now.addingTimeInterval(-minimumAge)
        let old = try await blobs.list(prefix: "sessions/").filter { $0.modified < cutoff }
        let bySession = Dictionary(grouping: old) { entry in entry.key.split(separator: "/").dropFirst().first.map(String.init) ?? "" }
        var removed: [String] = []
        for (sessionId, entries) in bySession.sorted(by: { $0.key < $1.key }) where !sessionId.isEmpty {
            let orphans: [BlobEntry]
            if try await store.session(sessionId) == nil, try await store.recording(sessionId: sessionId) == nil {
                orphans = entries
            } else {
                let named = Set(try await store.chunks(sessionId: sessionId).map(\.blobKey))
                orphans = entries.filter { $0.key.hasPrefix("sessions/\(sessionId)/chunks/") && !named.contains($0.key) }
            }
            for orphan in orphans {
                try await blobs.delete(orphan.key)
                removed.append(orphan.key)
            }
        }
        if !removed.isEmpty { logger.info("removed \(removed.count) orphaned blobs (no row names them, older than \(Int(minimumAge / 3600)) h)") }
        return removed
    }
}
