import Foundation

/// Before the one finding model, live evidence lay beside the database in
/// `<data>/evidence/<session>/<finding>.jpg`, readable by one server only. The v6 migration points
/// those findings at `sessions/<session>/evidence/<finding>.jpg` in the blob store; this moves the
/// files there once, at start. Idempotent: a second run finds nothing to move.
public enum LegacyEvidenceMover {
    /// Moves every old snapshot into `blobs`; returns how many moved.
    @discardableResult
    public static func move(dataDirectory: URL, into blobs: any BlobStore) async throws -> Int {
        let root = dataDirectory.appendingPathComponent("evidence")
        let files = FileManager.default
        guard let sessions = try? files.contentsOfDirectory(atPath: root.path) else { return 0 }
        var moved = 0
        for session in sessions {
            let folder = root.appendingPathComponent(session)
            for name in (try? files.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(".jpg") {
                let key = BlobKeys.evidence(session, String(name.dropLast(4)))
                guard FileBlobStore.isValid(key) else { continue }
                try await blobs.put(key, movingFileAt: folder.appendingPathComponent(name))
                moved += 1
            }
            try? files.removeItem(at: folder)
        }
        try? files.removeItem(at: root)
        return moved
    }
}
