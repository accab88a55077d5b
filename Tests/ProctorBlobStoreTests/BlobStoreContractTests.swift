import Foundation
import NIOCore
import ProctorRecording
import Testing

/// What every `BlobStore` promises, on the folder and on S3 alike.
@Suite struct BlobStoreContractTests {
    @Test(arguments: BlobBackend.all)
    func writeThenReadBack(_ backend: BlobBackend) async throws {
        try await backend.withStore { store in
            let key = "sessions/s1/reference.jpg"
            let bytes = patternBytes(4321)
            try await store.write(key, data: bytes)
            #expect(try await store.data(key) == bytes)
            #expect(await store.exists(key))
            #expect(await store.size(key) == bytes.count)
            // Writing again replaces the blob whole.
            try await store.write(key, data: Data("again".utf8))
            #expect(try await store.data(key) == Data("again".utf8))
        }
    }

    @Test(arguments: BlobBackend.all)
    func rangedReadsGiveExactlyTheBytesAsked(_ backend: BlobBackend) async throws {
        try await backend.withStore { store in
            let key = "sessions/s1/master.webm"
            let bytes = patternBytes(100_000)
            try await store.write(key, data: bytes)
            #expect(try await collect(store, key, 10...19) == bytes[10...19])
            #expect(try await collect(store, key, 99_990...99_999) == bytes[99_990...99_999])
            #expect(try await collect(store, key, 0...0) == bytes[0...0])
            #expect(try await collect(store, key, nil) == bytes)
        }
    }

    @Test(arguments: BlobBackend.all)
    func putMovesTheLocalFileIn(_ backend: BlobBackend) async throws {
        try await backend.withStore { store in
            let local = try store.temporaryURL(extension: "webm")
            let bytes = patternBytes(70_000, seed: 3)
            try FileManager.default.createDirectory(at: local.deletingLastPathComponent(), withIntermediateDirectories: true)
            try bytes.write(to: local)
            try await store.put("sessions/s1/chunks/000001.webm", movingFileAt: local)
            #expect(!FileManager.default.fileExists(atPath: local.path))
            #expect(try await store.data("sessions/s1/chunks/000001.webm") == bytes)
        }
    }

    /// Above the multipart threshold the S3 store uploads in parts (5 MiB here: S3's least); the
    /// object reads back whole and ranges across part boundaries are right.
    @Test(arguments: BlobBackend.all)
    func largeFilesGoUpInPartsAndReadBackWhole(_ backend: BlobBackend) async throws {
        let part = 5 * 1024 * 1024
        try await backend.withStore(partBytes: part) { store in
            let local = try store.temporaryURL(extension: "webm")
            try FileManager.default.createDirectory(at: local.deletingLastPathComponent(), withIntermediateDirectories: true)
            let bytes = patternBytes(2 * part + 12_345, seed: 11)
            try bytes.write(to: local)
            try await store.put("sessions/s1/master.webm", movingFileAt: local)
            #expect(await store.size("sessions/s1/master.webm") == bytes.count)
            #expect(try await collect(store, "sessions/s1/master.webm", (part - 5)...(part + 4)) == bytes[(part - 5)...(part + 4)])
            let copy = try await store.withLocalFile("sessions/s1/master.webm") { url in try Data(contentsOf: url) }
            #expect(copy == bytes)
        }
    }

    @Test(arguments: BlobBackend.all)
    func localFilesAreLentOnlyInsideTheClosure(_ backend: BlobBackend) async throws {
        try await backend.withStore { store in
            let bytes = patternBytes(3000)
            try await store.write("sessions/s1/chunks/000000.webm", data: bytes)
            let (path, read) = try await store.withLocalFile("sessions/s1/chunks/000000.webm") { url in (url, try Data(contentsOf: url)) }
            #expect(read == bytes)
            if case .s3 = backend {
                // The scratch copy is gone once the closure returned.
                #expect(!FileManager.default.fileExists(atPath: path.path))
            }
            let urls = try await store.withLocalFiles(["sessions/s1/chunks/000000.webm", "sessions/s1/chunks/000000.webm"]) { $0 }
            #expect(urls.count == 2)
        }
    }

    @Test(arguments: BlobBackend.all)
    func missingKeysAreNotErrorsWhereNothingIsAsked(_ backend: BlobBackend) async throws {
        try await backend.withStore { store in
            let key = "sessions/none/master.webm"
            #expect(try await store.data(key) == nil)
            #expect(!(await store.exists(key)))
            #expect(await store.size(key) == nil)
            try await store.delete(key)
            await #expect(throws: BlobError.self) { try await collect(store, key, nil) }
            await #expect(throws: BlobError.self) { try await store.withLocalFile(key) { _ in 0 } }
            #expect(try await store.list(prefix: "sessions/none/").isEmpty)
        }
    }

    @Test(arguments: BlobBackend.all)
    func listDeleteAndDeleteTree(_ backend: BlobBackend) async throws {
        try await backend.withStore { store in
            for key in ["sessions/a/chunks/000001.webm", "sessions/a/chunks/000000.webm", "sessions/a/master.webm", "sessions/b/master.webm"] {
                try await store.write(key, data: Data(key.utf8))
            }
            let listed = try await store.list(prefix: "sessions/a/")
            #expect(listed.map(\.key) == ["sessions/a/chunks/000000.webm", "sessions/a/chunks/000001.webm", "sessions/a/master.webm"])
            #expect(listed.first?.size == "sessions/a/chunks/000000.webm".utf8.count)
            #expect(listed.allSatisfy { abs($0.modified.timeIntervalSinceNow) < 3600 })
            try await store.delete("sessions/a/master.webm")
            #expect(try await store.list(prefix: "sessions/a/").count == 2)
            #expect(try await store.deleteTree("sessions/a") == 2)
            #expect(try await store.list(prefix: "sessions/").map(\.key) == ["sessions/b/master.webm"])
            await #expect(throws: BlobError.self) { try await store.write("../escape", data: Data()) }
        }
    }

    @Test(arguments: BlobBackend.all)
    func theStoreReportsItselfAvailable(_ backend: BlobBackend) async throws {
        try await backend.withStore { store in
            try await store.checkAvailable()
        }
    }
}

/// The bytes `read` hands out for `range`.
func collect(_ store: any BlobStore, _ key: String, _ range: ClosedRange<Int>?) async throws -> Data {
    var result = Data()
    try await store.read(key, range: range) { piece in result.append(contentsOf: piece.readableBytesView) }
    return result
}
