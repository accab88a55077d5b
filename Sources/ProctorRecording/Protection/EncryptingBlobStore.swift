import Crypto
import Foundation
import Logging
import NIOCore
import NIOPosix
import ProctorCore

/// A `BlobStore` layer that encrypts every blob it is given before the store underneath sees it,
/// and decrypts on the way back: routes and workers do not change, and any store (the folder, an
/// object store) can be wrapped unchanged.
///
/// Each blob is sealed with its session's data key (AES-GCM, `SessionKeyProvider`) in segments of
/// `SegmentedCipherLayout`, with the blob key as associated data, so a Range read opens only the
/// segments it serves. Deleting a session's data key makes every copy of its blobs unreadable.
/// Blobs written before encryption (no header) are still read as they are.
public struct EncryptingBlobStore: BlobStore {
    public let inner: any BlobStore
    public let keys: SessionKeyProvider
    let layout: SegmentedCipherLayout
    /// Sealing and opening run here, never on the cooperative pool or an event loop.
    let threadPool: NIOThreadPool
    /// How many plaintext bytes one hop to the thread pool opens during a streamed read.
    static let readGroupBytes = 256 * 1024

    public init(inner: any BlobStore, keys: SessionKeyProvider, segmentSize: Int = 64 * 1024, threadPool: NIOThreadPool = .singleton) {
        self.inner = inner
        self.keys = keys
        self.layout = SegmentedCipherLayout(segmentSize: segmentSize)
        self.threadPool = threadPool
    }

    public func write(_ key: String, data: Data) async throws {
        let dataKey = try await dataKey(for: key, create: true)
        let layout = layout
        let sealed = try await threadPool.runIfActive { try SegmentCipher.seal(data, key: dataKey, blobKey: key, layout: layout) }
        try await inner.write(key, data: sealed)
    }

    public func data(_ key: String) async throws -> Data? {
        guard let stored = try await inner.data(key) else { return nil }
        guard SegmentedCipherLayout.parse(header: stored.prefix(SegmentedCipherLayout.headerSize)) != nil else { return stored }
        let dataKey = try await dataKey(for: key, create: false)
        return try await threadPool.runIfActive { try SegmentCipher.open(stored, key: dataKey, blobKey: key) }
    }

    public func read(_ key: String, range: ClosedRange<Int>?, body: (ByteBuffer) async throws -> Void) async throws {
        guard let storedSize = await inner.size(key) else { throw BlobError.notFound(key) }
        guard let layout = try await storedLayout(key) else {
            try await inner.read(key, range: range, body: body)
            return
        }
        guard let size = layout.plaintextSize(ciphertextSize: storedSize) else { throw ProtectionError.truncated(key: key) }
        let lower = max(0, range?.lowerBound ?? 0)
        let upper = min(range.map { $0.upperBound + 1 } ?? size, size)
        guard lower < upper else { return }
        let dataKey = try await dataKey(for: key, create: false)
        let segments = layout.segments(covering: lower..<upper)
        let group = max(1, Self.readGroupBytes / layout.segmentSize)
        for first in stride(from: segments.lowerBound, through: segments.upperBound, by: group) {
            let last = min(first + group - 1, segments.upperBound)
            let sealedStart = layout.sealedRange(segment: first, plaintextSize: size).lowerBound
            let sealedEnd = layout.sealedRange(segment: last, plaintextSize: size).upperBound
            var sealed = Data(capacity: sealedEnd - sealedStart)
            try await inner.read(key, range: sealedStart...(sealedEnd - 1)) { piece in sealed.append(contentsOf: piece.readableBytesView) }
            let bytes = sealed
            let plain = try await threadPool.runIfActive {
                try SegmentCipher.openSegments(bytes, first: first, last: last, plaintextSize: size, key: dataKey, blobKey: key, layout: layout)
            }
            let offset = first * layout.segmentSize
            let from = max(lower, offset) - offset
            let to = min(upper, offset + plain.count) - offset
            if from < to { try await body(ByteBuffer(bytes: plain[plain.startIndex + from..<plain.startIndex + to])) }
        }
    }

    public func put(_ key: String, movingFileAt source: URL) async throws {
        let dataKey = try await dataKey(for: key, create: true)
        let sealed = try inner.temporaryURL(extension: "sealed")
        let layout = layout
        do {
            try await threadPool.runIfActive {
                try SegmentCipher.sealFile(source, to: sealed, key: dataKey, blobKey: key, layout: layout)
                try FileManager.default.removeItem(at: source)
            }
            try await inner.put(key, movingFileAt: sealed)
        } catch {
            try? FileManager.default.removeItem(at: sealed)
            throw error
        }
    }

    public func withLocalFile<T: Sendable>(_ key: String, body: (URL) async throws -> T) async throws -> T {
        try await inner.withLocalFile(key) { stored in
            let isSealed = try await threadPool.runIfActive { try SegmentCipher.isSealed(stored) }
            guard isSealed else { return try await body(stored) }
            let dataKey = try await dataKey(for: key, create: false)
            // The plaintext exists only here, 0600 (the process umask), and only while `body` runs.
            let ext = URL(fileURLWithPath: key).pathExtension
            let scratch = try inner.temporaryURL(extension: ext.isEmpty ? "blob" : ext)
            do {
                try await threadPool.runIfActive { try SegmentCipher.openFile(stored, to: scratch, key: dataKey, blobKey: key) }
                let result = try await body(scratch)
                try? FileManager.default.removeItem(at: scratch)
                return result
            } catch {
                try? FileManager.default.removeItem(at: scratch)
                throw error
            }
        }
    }

    public func exists(_ key: String) async -> Bool { await inner.exists(key) }

    public func size(_ key: String) async -> Int? {
        guard let stored = await inner.size(key) else { return nil }
        guard let layout = try? await storedLayout(key) else { return stored }
        return layout.plaintextSize(ciphertextSize: stored)
    }

    public func delete(_ key: String) async throws { try await inner.delete(key) }

    public func deleteTree(_ prefix: String) async throws -> Int {
        let count = try await inner.deleteTree(prefix)
        if let session = BlobKeys.sessionId(of: prefix + "/x") { await keys.forget(sessionId: session) }
        return count
    }

    public func temporaryURL(extension ext: String) throws -> URL { try inner.temporaryURL(extension: ext) }

    /// The holder's listing: the orphan purge needs keys and ages (sizes are the stored, encrypted ones).
    public func list(prefix: String) async throws -> [BlobEntry] { try await inner.list(prefix: prefix) }

    /// Never: the holder has ciphertext only a server can open, so videos stream through the server.
    public func presignedReadURL(_ key: String, expiresIn seconds: Int) async throws -> URL? { nil }

    public func checkAvailable() async throws { try await inner.checkAvailable() }

    /// The layout in the blob's header; nil for a blob written before encryption.
    private func storedLayout(_ key: String) async throws -> SegmentedCipherLayout? {
        var header = Data()
        try await inner.read(key, range: 0...(SegmentedCipherLayout.headerSize - 1)) { piece in header.append(contentsOf: piece.readableBytesView) }
        return SegmentedCipherLayout.parse(header: header)
    }

    private func dataKey(for key: String, create: Bool) async throws -> [UInt8] {
        guard let session = BlobKeys.sessionId(of: key) else { throw ProtectionError.notASessionBlob(key) }
        return try await keys.key(sessionId: session, create: create)
    }
}
