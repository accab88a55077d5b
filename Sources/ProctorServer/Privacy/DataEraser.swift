import Foundation
import ProctorRecording
import ProctorStore

/// Deletes a session's files: what a purge target names, or the whole session's folders.
struct DataEraser {
    let blobs: any BlobStore
    let evidence: EvidenceStore

    /// Returns how many files were deleted. Files already gone are fine (a retry after a crash).
    func erase(_ target: PurgeTarget, wholeSession: Bool) throws -> Int {
        var count = 0
        for key in target.blobKeys where blobs.exists(key) {
            try blobs.delete(key)
            count += 1
        }
        for path in target.evidencePaths where evidence.delete(relativePath: path) {
            count += 1
        }
        if wholeSession {
            count += try blobs.deleteTree("sessions/\(target.sessionId)")
            count += evidence.deleteSession(target.sessionId)
        }
        return count
    }
}
