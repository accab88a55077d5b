import Foundation
import ProctorRecording
import ProctorStore

/// Deletes a session's files from the blob store: what a purge target names, or everything under
/// the session's folder.
public struct DataEraser: Sendable {
    let blobs: any BlobStore

    public init(blobs: any BlobStore) {
        self.blobs = blobs
    }

    /// Returns how many files were deleted. Files already gone are fine (a retry after a crash).
    public func erase(_ target: PurgeTarget, wholeSession: Bool) async throws -> Int {
        var count = 0
        for key in target.blobKeys where await blobs.exists(key) {
            try await blobs.delete(key)
            count += 1
        }
        if wholeSession {
            count += try await blobs.deleteTree("sessions/\(target.sessionId)")
            if await blobs.exists(BlobKeys.liveSnapshot(target.sessionId)) {
                try await blobs.delete(BlobKeys.liveSnapshot(target.sessionId))
                count += 1
            }
        }
        return count
    }
}
