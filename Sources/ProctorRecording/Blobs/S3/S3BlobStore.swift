import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ProctorCore
import ProctorSigV4

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The blob store for many machines: every key is an object in an S3-compatible bucket (under
/// `storage.s3.prefix`), so servers and workers share no disk. Large files go up as multipart
/// uploads read part by part from disk; reads stream; tools that need a path get a scratch copy
/// that is removed when they are done (`withLocalFile`).
///
/// S3 has no rename, so `put` is the atomic step: an object appears whole or not at all. Callers
/// write the database row after it succeeded; a crash in between leaves an orphan that
/// `OrphanPurger` removes.
public struct S3BlobStore: BlobStore {
    let client: S3Client
    /// Folder inside the bucket, empty or ending in `/`.
    let prefix: String
    /// Local folder for `temporaryURL` and `withLocalFile` copies.
    let scratch: URL
    let threadPool: NIOThreadPool
    let presignReads: Bool
    /// Above this many bytes `put` uploads in parts: 16 MiB keeps chunks and most batches one
    /// request while a master video never has to be held whole.
    public var multipartThreshold = 16 * 1024 * 1024
    /// Bytes per part (S3's least is 5 MiB, except the last): 8 MiB is one read of the file and one
    /// request, small enough to hold, large enough that an hour of video is a few hundred parts.
    public var partSize = 8 * 1024 * 1024
    /// Size of the pieces a download is written to disk in.
    static let writeBatch = 1024 * 1024

    public init(
        configuration: S3StorageConfiguration, secretAccessKey: String, scratch: URL, http: HTTPClient? = nil,
        metrics: (any MetricsFactory)? = nil, threadPool: NIOThreadPool = .singleton, logger: Logger
    ) throws {
        let credentials = SigV4Credentials(accessKeyID: configuration.accessKeyId, secretAccessKey: secretAccessKey)
        client = try S3Client(
            endpoint: configuration.endpoint, bucket: configuration.bucket, pathStyle: configuration.pathStyle,
            signer: SigV4Signer(credentials: credentials, region: configuration.region), http: http ?? S3Client.sharedHTTPClient,
            maxAttempts: configuration.maxAttempts,
            timeoutSeconds: configuration.requestTimeoutSeconds, metrics: S3Metrics(factory: metrics ?? MetricsSystem.factory), logger: logger)
        var prefix = configuration.prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if !prefix.isEmpty { prefix += "/" }
        self.prefix = prefix
        self.scratch = scratch
        self.threadPool = threadPool
        self.presignReads = configuration.presignVideo
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    /// The object's name in the bucket.
    func objectKey(_ key: String) throws -> String {
        guard FileBlobStore.isValid(key) else { throw BlobError.invalidKey(key) }
        return prefix + key
    }

    public func write(_ key: String, data: Data) async throws {
        _ = try await client.send("put", method: .PUT, key: try objectKey(key), body: ByteBuffer(bytes: data))
    }

    public func data(_ key: String) async throws -> Data? {
        let response = try await client.send("get", method: .GET, key: try objectKey(key), accept: [404])
        if response.status == .notFound { return nil }
        let body = try await response.body.collect(upTo: Int(Int32.max))
        client.metrics.bytes("get", direction: "received", count: body.readableBytes)
        return Data(body.readableBytesView)
    }

    public func read(_ key: String, range: ClosedRange<Int>?, body: (ByteBuffer) async throws -> Void) async throws {
        let object = try objectKey(key)
        var delivered = 0
        var attempt = 0
        // A broken stream is resumed from the first byte not yet handed out, so a retry never
        // repeats bytes the caller already wrote to its client.
        while true {
            attempt += 1
            let lower = (range?.lowerBound ?? 0) + delivered
            if let range, lower > range.upperBound { return }
            let header = range.map { "bytes=\(lower)-\($0.upperBound)" } ?? (delivered > 0 ? "bytes=\(lower)-" : nil)
            let response = try await client.send("get", method: .GET, key: object, headers: header.map { [("range", $0)] } ?? [], accept: [404, 416])
            if response.status == .notFound { throw BlobError.notFound(key) }
            if response.status == .rangeNotSatisfiable { return }
            do {
                for try await piece in response.body {
                    delivered += piece.readableBytes
                    client.metrics.bytes("get", direction: "received", count: piece.readableBytes)
                    do {
                        try await body(piece)
                    } catch {
                        // The caller's own failure (its client went away): not the store's to retry.
                        throw CallerError(underlying: error)
                    }
                }
                return
            } catch let error as CallerError {
                throw error.underlying
            } catch let error where attempt < client.maxAttempts && Self.isTransport(error) {
                client.metrics.error("get")
                client.logger.warning("S3 get \(key) broke after \(delivered) bytes, resuming: \(error)")
            }
        }
    }

    /// Wraps an error thrown by the caller's `body`, so it passes the retry unchanged.
    struct CallerError: Error {
        let underlying: any Error
    }

    /// Failures of the connection (not of the caller's `body`), which a new request may not meet.
    static func isTransport(_ error: any Error) -> Bool {
        error is HTTPClientError || error is ChannelError || error is IOError
    }

    public func put(_ key: String, movingFileAt source: URL) async throws {
        let object = try objectKey(key)
        let size = try await threadPool.runIfActive { () -> Int in
            let attributes = try FileManager.default.attributesOfItem(atPath: source.path)
            return (attributes[.size] as? NSNumber)?.intValue ?? 0
        }
        if size > multipartThreshold {
            try await uploadInParts(object, file: source, size: size)
        } else {
            let data = try await threadPool.runIfActive { try Data(contentsOf: source) }
            _ = try await client.send("put", method: .PUT, key: object, body: ByteBuffer(bytes: data))
        }
        try await threadPool.runIfActive { try FileManager.default.removeItem(at: source) }
    }

    public func withLocalFile<T: Sendable>(_ key: String, body: (URL) async throws -> T) async throws -> T {
        let ext = (key as NSString).pathExtension
        let local = try temporaryURL(extension: ext.isEmpty ? "blob" : ext)
        do {
            try await download(key, to: local)
            let result = try await body(local)
            try? await threadPool.runIfActive { try FileManager.default.removeItem(at: local) }
            return result
        } catch {
            try? await threadPool.runIfActive { try FileManager.default.removeItem(at: local) }
            throw error
        }
    }

    /// Streams the object into `local`, a megabyte at a time, writing on the thread pool.
    func download(_ key: String, to local: URL) async throws {
        let descriptor = try await threadPool.runIfActive { () -> Int32 in
            let fd = open(local.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            guard fd >= 0 else { throw BlobError.io("cannot create \(local.path): \(String(cString: strerror(errno)))") }
            return fd
        }
        do {
            var pending = ByteBuffer()
            try await read(key, range: nil) { piece in
                var piece = piece
                pending.writeBuffer(&piece)
                if pending.readableBytes >= Self.writeBatch {
                    let batch = pending
                    pending = ByteBuffer()
                    try await threadPool.runIfActive { try Self.writeAll(batch, to: descriptor) }
                }
            }
            let rest = pending
            try await threadPool.runIfActive {
                try Self.writeAll(rest, to: descriptor)
                close(descriptor)
            }
        } catch {
            _ = try? await threadPool.runIfActive { close(descriptor) }
            throw error
        }
    }

    /// Blocking; on the thread pool.
    static func writeAll(_ buffer: ByteBuffer, to descriptor: Int32) throws {
        try buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = posixWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw BlobError.io("cannot write a downloaded blob: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    public func exists(_ key: String) async -> Bool {
        await size(key) != nil
    }

    public func size(_ key: String) async -> Int? {
        guard let object = try? objectKey(key),
            let response = try? await client.send("head", method: .HEAD, key: object, accept: [404]),
            response.status == .ok
        else { return nil }
        return response.headers.first(name: "content-length").flatMap(Int.init)
    }

    public func delete(_ key: String) async throws {
        _ = try await client.send("delete", method: .DELETE, key: try objectKey(key), accept: [404])
    }

    public func deleteTree(_ prefix: String) async throws -> Int {
        guard FileBlobStore.isValid(prefix) else { throw BlobError.invalidKey(prefix) }
        let entries = try await list(prefix: prefix + "/")
        for entry in entries { try await delete(entry.key) }
        return entries.count
    }

    public func temporaryURL(extension ext: String) throws -> URL {
        scratch.appendingPathComponent("\(UUID().uuidString).\(ext)")
    }

    public func list(prefix listPrefix: String) async throws -> [BlobEntry] {
        var entries: [BlobEntry] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix + listPrefix), ("max-keys", "1000")]
            if let token { query.append(("continuation-token", token)) }
            let response = try await client.send("list", method: .GET, key: nil, query: query)
            let xml = String(buffer: try await response.body.collect(upTo: S3Client.maximumDocumentBytes))
            for contents in S3XML.elements("Contents", in: xml) {
                guard let name = S3XML.first("Key", in: contents), name.hasPrefix(prefix) else { continue }
                let size = S3XML.first("Size", in: contents).flatMap(Int.init) ?? 0
                let modified = S3XML.first("LastModified", in: contents).flatMap(Self.parseTime) ?? Date()
                entries.append(BlobEntry(key: String(name.dropFirst(prefix.count)), size: size, modified: modified))
            }
            token = S3XML.first("IsTruncated", in: xml) == "true" ? S3XML.first("NextContinuationToken", in: xml) : nil
        } while token != nil
        return entries
    }

    /// `2026-12-02T05:24:41.000Z`, with or without the fraction.
    static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    public func presignedReadURL(_ key: String, expiresIn seconds: Int) async throws -> URL? {
        guard presignReads else { return nil }
        return client.presignedGet(try objectKey(key), seconds: seconds)
    }

    /// A HEAD of the bucket: proves the endpoint answers, the credentials are accepted and the bucket exists.
    public func checkAvailable() async throws {
        _ = try await client.send("head_bucket", method: .HEAD, key: nil)
    }
}

/// write(2), named apart from the store's own `write(_:data:)`.
private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
