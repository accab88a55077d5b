import Foundation
import NIOCore
import NIOPosix

/// Where every file of the product is kept, by key: chunks, batches, master videos, reference
/// photos, evidence snapshots and live snapshots. Routes and workers see keys only, never paths,
/// so a store for many machines (shared folder, object storage) implements the same calls.
///
/// Keys are relative paths such as `sessions/<id>/chunks/000003.webm`.
public protocol BlobStore: Sendable {
    /// Stores `data` under `key` without blocking the caller's thread (request handlers, live sessions).
    func write(_ key: String, data: Data) async throws
    /// The whole blob; for small ones (snapshots, photos). Nil when there is none.
    func data(_ key: String) async throws -> Data?
    /// Streams `range` of the blob (all of it when nil) in pieces, in order, to `body`: a video is
    /// served without holding it in memory.
    func read(_ key: String, range: ClosedRange<Int>?, body: (ByteBuffer) async throws -> Void) async throws
    /// Moves a finished local file (made at `temporaryURL`) into the store under `key`, atomically
    /// (readers never see half a blob); the local file is gone afterwards.
    func put(_ key: String, movingFileAt source: URL) async throws
    /// Runs `body` with a local file holding the blob's bytes, for tools that need paths (OpenCV,
    /// ffmpeg). The path is valid only inside `body`: a store that is not a plain folder (object
    /// storage, encryption) makes a scratch copy and removes it afterwards. Throws `notFound`.
    func withLocalFile<T: Sendable>(_ key: String, body: (URL) async throws -> T) async throws -> T
    func exists(_ key: String) async -> Bool
    func size(_ key: String) async -> Int?
    func delete(_ key: String) async throws
    /// Deletes everything under the folder `prefix`; returns how many blobs went.
    func deleteTree(_ prefix: String) async throws -> Int
    /// A local scratch file path (on the store's own file system when it has one), for writing
    /// before `put`; the caller removes it if it never puts it.
    func temporaryURL(extension: String) throws -> URL
    /// Every blob whose key starts with `prefix` (a folder such as `sessions/`), with its size and
    /// last change, in key order: the orphan purge compares them with the database.
    func list(prefix: String) async throws -> [BlobEntry]
    /// A URL that lets a browser read the blob directly for a short while, or nil when this store
    /// serves reads only through the server (files, encryption at rest, or presigning turned off).
    func presignedReadURL(_ key: String, expiresIn seconds: Int) async throws -> URL?
    /// Throws when the store cannot be used now (folder missing, bucket unreachable, credentials
    /// refused): `/health` reports it as a dependency.
    func checkAvailable() async throws
}

/// One blob in a listing.
public struct BlobEntry: Sendable, Hashable, Codable {
    public var key: String
    public var size: Int
    public var modified: Date

    public init(key: String, size: Int, modified: Date) {
        self.key = key
        self.size = size
        self.modified = modified
    }
}

extension BlobStore {
    /// `withLocalFile` for several blobs at once (the merge concatenates them), in order.
    public func withLocalFiles<T: Sendable>(_ keys: [String], body: ([URL]) async throws -> T) async throws -> T {
        try await withLocalFiles(keys[...], collected: [], body: body)
    }

    private func withLocalFiles<T: Sendable>(_ keys: ArraySlice<String>, collected: [URL], body: ([URL]) async throws -> T) async throws -> T {
        guard let first = keys.first else { return try await body(collected) }
        return try await withLocalFile(first) { url in
            try await withLocalFiles(keys.dropFirst(), collected: collected + [url], body: body)
        }
    }
}

/// The embedded blob store: a folder (`<data>/blobs`), laid out by session and chunk.
public struct FileBlobStore: BlobStore {
    public let root: URL
    /// Blocking file I/O runs here, never on the cooperative pool or an event loop.
    let threadPool: NIOThreadPool
    /// Size of the pieces `read` hands out.
    static let pieceSize = 256 * 1024

    public init(root: URL, threadPool: NIOThreadPool = .singleton) throws {
        self.root = root
        self.threadPool = threadPool
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".tmp"), withIntermediateDirectories: true)
    }

    public func write(_ key: String, data: Data) async throws {
        try await threadPool.runIfActive { try put(key, data: data) }
    }

    public func data(_ key: String) async throws -> Data? {
        let url = try path(key)
        return try await threadPool.runIfActive {
            FileManager.default.fileExists(atPath: url.path) ? try Data(contentsOf: url) : nil
        }
    }

    public func read(_ key: String, range: ClosedRange<Int>?, body: (ByteBuffer) async throws -> Void) async throws {
        let url = try path(key)
        guard let size = fileSize(url) else { throw BlobError.notFound(key) }
        let lower = max(0, range?.lowerBound ?? 0)
        let upper = min(range.map { $0.upperBound + 1 } ?? size, size)
        var offset = lower
        while offset < upper {
            let count = min(Self.pieceSize, upper - offset)
            let start = offset
            // One open per piece keeps the handle inside the blocking closure.
            let piece = try await threadPool.runIfActive { () -> Data in
                let handle = try FileHandle(forReadingFrom: url)
                defer { try? handle.close() }
                try handle.seek(toOffset: UInt64(start))
                return try handle.read(upToCount: count) ?? Data()
            }
            if piece.isEmpty { break }
            offset += piece.count
            try await body(ByteBuffer(bytes: piece))
        }
    }

    public func put(_ key: String, movingFileAt source: URL) async throws {
        let target = try path(key)
        try await threadPool.runIfActive { try Self.move(source, to: target, key: key) }
    }

    public func withLocalFile<T: Sendable>(_ key: String, body: (URL) async throws -> T) async throws -> T {
        let url = try path(key)
        guard await exists(key) else { throw BlobError.notFound(key) }
        return try await body(url)
    }

    public func exists(_ key: String) async -> Bool {
        guard let url = try? path(key) else { return false }
        return FileManager.default.fileExists(atPath: url.path)
    }

    public func size(_ key: String) async -> Int? {
        (try? path(key)).flatMap(fileSize)
    }

    public func delete(_ key: String) async throws {
        let url = try path(key)
        try await threadPool.runIfActive {
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        }
    }

    public func deleteTree(_ prefix: String) async throws -> Int {
        let url = try path(prefix)
        return try await threadPool.runIfActive {
            guard FileManager.default.fileExists(atPath: url.path) else { return 0 }
            let files = (FileManager.default.subpaths(atPath: url.path) ?? []).filter { path in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: url.appendingPathComponent(path).path, isDirectory: &isDirectory)
                    && !isDirectory.boolValue
            }
            try FileManager.default.removeItem(at: url)
            return files.count
        }
    }

    public func list(prefix: String) async throws -> [BlobEntry] {
        let root = root
        return try await threadPool.runIfActive {
            let files = FileManager.default
            guard let paths = files.subpaths(atPath: root.path) else { return [] }
            var entries: [BlobEntry] = []
            for path in paths where path.hasPrefix(prefix) && !path.hasPrefix(".") {
                guard let attributes = try? files.attributesOfItem(atPath: root.appendingPathComponent(path).path),
                    attributes[.type] as? FileAttributeType == .typeRegular
                else { continue }
                let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
                entries.append(BlobEntry(key: path, size: size, modified: attributes[.modificationDate] as? Date ?? Date()))
            }
            return entries.sorted { $0.key < $1.key }
        }
    }

    /// A folder is read through the server only.
    public func presignedReadURL(_ key: String, expiresIn seconds: Int) async throws -> URL? { nil }

    public func checkAvailable() async throws {
        let root = root
        try await threadPool.runIfActive {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue,
                FileManager.default.isWritableFile(atPath: root.path)
            else { throw BlobError.io("the blob folder \(root.path) is missing or not writable") }
        }
    }

    /// Where `key` lives in the folder; the one place keys become paths.
    func path(_ key: String) throws -> URL {
        guard Self.isValid(key) else { throw BlobError.invalidKey(key) }
        return root.appendingPathComponent(key)
    }

    /// Blocking; called on the thread pool.
    func put(_ key: String, data: Data) throws {
        let temporary = try temporaryURL(extension: "part")
        try data.write(to: temporary)
        try Self.move(temporary, to: try path(key), key: key)
    }

    private func fileSize(_ url: URL) -> Int? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return nil }
        return (attributes[.size] as? NSNumber)?.intValue
    }

    private static func move(_ source: URL, to target: URL, key: String) throws {
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        // rename(2) replaces atomically; the source is on the same file system (see temporaryURL).
        if rename(source.path, target.path) != 0 {
            throw BlobError.io("cannot move \(source.lastPathComponent) to \(key): \(String(cString: strerror(errno)))")
        }
    }

    public func temporaryURL(extension ext: String) throws -> URL {
        root.appendingPathComponent(".tmp").appendingPathComponent("\(UUID().uuidString).\(ext)")
    }

    /// Relative, made of safe segments: no "..", no empty or hidden segments, no absolute paths.
    public static func isValid(_ key: String) -> Bool {
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !key.hasPrefix("/"), !segments.isEmpty, segments.count <= 8 else { return false }
        return segments.allSatisfy { segment in
            !segment.isEmpty && !segment.hasPrefix(".") && segment.count <= 128
                && segment.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
        }
    }
}

public enum BlobError: Error, CustomStringConvertible {
    case invalidKey(String)
    case notFound(String)
    case io(String)

    public var description: String {
        switch self {
        case .invalidKey(let key): "invalid blob key \(key)"
        case .notFound(let key): "no blob \(key)"
        case .io(let message): message
        }
    }
}

/// The layout of a recorded session's blobs.
public enum BlobKeys {
    public static func chunk(_ session: String, _ index: Int) -> String { "sessions/\(session)/chunks/\(String(format: "%06d", index)).webm" }
    public static func batch(_ session: String, _ batch: Int) -> String { "sessions/\(session)/batches/\(String(format: "%04d", batch)).webm" }
    public static func master(_ session: String) -> String { "sessions/\(session)/master.webm" }
    public static func reference(_ session: String) -> String { "sessions/\(session)/reference.jpg" }
    /// The latest snapshot of a live session, for every server's live grid.
    public static func liveSnapshot(_ session: String) -> String { "live/\(session).jpg" }
    public static func evidence(_ session: String, _ event: String) -> String { "sessions/\(session)/evidence/\(event).jpg" }
    /// An audio finding's evidence: the sound of its time, Ogg/Opus.
    public static func audioEvidence(_ session: String, _ finding: String) -> String { "sessions/\(session)/evidence/\(finding).ogg" }
    /// The voice-activity model's state after a chunk, for the next chunk of the session.
    public static func voiceActivityState(_ session: String, _ index: Int) -> String {
        "sessions/\(session)/audio/\(String(format: "%06d", index)).state.json"
    }

    /// The session a blob belongs to (`sessions/<id>/…` or `live/<id>.jpg`), whose data key
    /// encrypts it; nil for a key outside any session.
    public static func sessionId(of key: String) -> String? {
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        if segments.count >= 3, segments[0] == "sessions", !segments[1].isEmpty { return String(segments[1]) }
        if segments.count == 2, segments[0] == "live", segments[1].hasSuffix(".jpg"), segments[1].count > 4 { return String(segments[1].dropLast(4)) }
        return nil
    }

    /// What an evidence blob holds, by its key: `audio` (Ogg/Opus) or `image` (JPEG).
    public static func evidenceMedia(_ key: String) -> EvidenceMedia { key.hasSuffix(".ogg") ? .audio : .image }
}

/// The kind of a finding's evidence, and its content type.
public enum EvidenceMedia: String, Sendable, Hashable, Codable {
    case image
    case audio

    public var contentType: String {
        switch self {
        case .image: "image/jpeg"
        case .audio: "audio/ogg"
        }
    }
}
