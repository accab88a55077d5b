import Foundation
import Logging
import ProctorCore
import ProctorOperations
import ProctorRecording
import ProctorStore
import Testing

/// A crash between a blob's PUT and its row leaves an orphan; the purge removes those older than a
/// day and nothing any row names. On the folder, and on S3 when the test server's variables are set.
@Suite struct OrphanPurgeTests {
    enum Store: Sendable, CustomTestStringConvertible {
        case files
        case s3(S3StorageConfiguration)

        static let all: [Store] = [.files] + S3StorageRouteTests.s3.map(Store.s3)

        var testDescription: String {
            switch self {
            case .files: "files"
            case .s3: "S3"
            }
        }
    }

    @Test(arguments: Store.all)
    func orphansOlderThanADayGoAndNamedBlobsStay(_ kind: Store) async throws {
        let data = try ServerTestEnvironment.temporaryDirectory()
        var blobs: (any BlobStore)?
        if case .s3(var s3) = kind {
            s3.prefix = "orphans-\(UUID().uuidString.lowercased())"
            blobs = try S3BlobStore(
                configuration: s3, secretAccessKey: s3.secretAccessKey, scratch: data.appendingPathComponent("scratch"), logger: Logger(label: "test"))
        }
        let server = try await TestServer.make(dataDirectory: data, withModels: false, blobs: blobs)
        let store = server.services.recordings
        let now = Date()
        let session = SessionRecord(id: "kept", externalId: "kept", startedAt: now, endedAt: nil, status: .active, metadata: [:])
        try await store.createRecording(
            RecordingRecord(sessionId: "kept", examId: "e", candidateId: "c", chunkSeconds: 20, uploadTokenHash: "x"), session: session)
        let named = BlobKeys.chunk("kept", 0)
        _ = try await store.addChunk(
            ChunkRecord(sessionId: "kept", index: 0, sha256: "s", size: 1, blobKey: named, status: .uploaded, uploadedAt: now), at: now)
        let blobStore = server.services.blobs
        // The row's chunk, a chunk whose row was never written, the session's master (named by the
        // recording, not a chunk), and a session the database has never heard of.
        for key in [named, BlobKeys.chunk("kept", 1), BlobKeys.master("kept"), BlobKeys.chunk("ghost", 0), BlobKeys.master("ghost")] {
            try await blobStore.write(key, data: Data(key.utf8))
        }
        let purger = OrphanPurger(store: server.services.dataStore, blobs: blobStore, logger: Logger(label: "test"))
        // Written just now: younger than a day, nothing goes.
        #expect(try await purger.runOnce(now: now).isEmpty)
        // Two days later they are old enough.
        let removed = try await purger.runOnce(now: now.addingTimeInterval(2 * 86_400))
        #expect(Set(removed) == [BlobKeys.chunk("kept", 1), BlobKeys.chunk("ghost", 0), BlobKeys.master("ghost")])
        #expect(try await blobStore.list(prefix: "sessions/").map(\.key) == [named, BlobKeys.master("kept")].sorted())
        _ = try await blobStore.deleteTree("sessions")
        await server.stop()
    }
}
