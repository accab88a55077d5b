import Crypto
import Foundation
import ProctorCore

/// Sealing and opening blobs segment by segment (`SegmentedCipherLayout`). Blocking: called on the
/// thread pool. A segment that does not open throws `ProtectionError.tampered`, never crashes.
enum SegmentCipher {
    static func seal(_ data: Data, key: [UInt8], blobKey: String, layout: SegmentedCipherLayout) throws -> Data {
        let symmetric = SymmetricKey(data: key)
        let count = layout.segmentCount(plaintextSize: data.count)
        var out = Data(capacity: layout.ciphertextSize(plaintextSize: data.count))
        out.append(contentsOf: layout.header)
        for index in 0..<count {
            let start = data.startIndex + index * layout.segmentSize
            let piece = data[start..<min(start + layout.segmentSize, data.endIndex)]
            out.append(try sealSegment(piece, index: index, isLast: index == count - 1, key: symmetric, blobKey: blobKey))
        }
        return out
    }

    static func open(_ stored: Data, key: [UInt8], blobKey: String) throws -> Data {
        guard let layout = SegmentedCipherLayout.parse(header: stored.prefix(SegmentedCipherLayout.headerSize)) else {
            throw ProtectionError.tampered(key: blobKey, segment: 0)
        }
        guard let size = layout.plaintextSize(ciphertextSize: stored.count) else { throw ProtectionError.truncated(key: blobKey) }
        let count = layout.segmentCount(plaintextSize: size)
        return try openSegments(
            stored.subdata(in: stored.startIndex + SegmentedCipherLayout.headerSize..<stored.endIndex), first: 0, last: count - 1,
            plaintextSize: size, key: key, blobKey: blobKey, layout: layout)
    }

    /// Opens the consecutive sealed segments `first...last` held in `sealed`.
    static func openSegments(
        _ sealed: Data, first: Int, last: Int, plaintextSize: Int, key: [UInt8], blobKey: String, layout: SegmentedCipherLayout
    ) throws -> Data {
        let symmetric = SymmetricKey(data: key)
        let count = layout.segmentCount(plaintextSize: plaintextSize)
        var out = Data(capacity: (last - first + 1) * layout.segmentSize)
        var offset = sealed.startIndex
        for index in first...last {
            let length = layout.plainLength(segment: index, plaintextSize: plaintextSize) + SegmentedCipherLayout.overhead
            guard offset + length <= sealed.endIndex else { throw ProtectionError.truncated(key: blobKey) }
            out.append(try openSegment(sealed[offset..<offset + length], index: index, isLast: index == count - 1, key: symmetric, blobKey: blobKey))
            offset += length
        }
        return out
    }

    static func sealFile(_ source: URL, to target: URL, key: [UInt8], blobKey: String, layout: SegmentedCipherLayout) throws {
        let symmetric = SymmetricKey(data: key)
        let size = try (FileManager.default.attributesOfItem(atPath: source.path)[.size] as? NSNumber)?.intValue ?? 0
        let count = layout.segmentCount(plaintextSize: size)
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: target.path, contents: nil) else {
            throw BlobError.io("cannot create \(target.lastPathComponent)")
        }
        let output = try FileHandle(forWritingTo: target)
        defer { try? output.close() }
        try output.write(contentsOf: layout.header)
        for index in 0..<count {
            let piece = try input.read(upToCount: layout.segmentSize) ?? Data()
            try output.write(contentsOf: try sealSegment(piece, index: index, isLast: index == count - 1, key: symmetric, blobKey: blobKey))
        }
    }

    static func openFile(_ source: URL, to target: URL, key: [UInt8], blobKey: String) throws {
        let symmetric = SymmetricKey(data: key)
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        let storedSize = try (FileManager.default.attributesOfItem(atPath: source.path)[.size] as? NSNumber)?.intValue ?? 0
        guard let layout = SegmentedCipherLayout.parse(header: try input.read(upToCount: SegmentedCipherLayout.headerSize) ?? Data()) else {
            throw ProtectionError.tampered(key: blobKey, segment: 0)
        }
        guard let size = layout.plaintextSize(ciphertextSize: storedSize) else { throw ProtectionError.truncated(key: blobKey) }
        guard FileManager.default.createFile(atPath: target.path, contents: nil) else {
            throw BlobError.io("cannot create \(target.lastPathComponent)")
        }
        let output = try FileHandle(forWritingTo: target)
        defer { try? output.close() }
        let count = layout.segmentCount(plaintextSize: size)
        for index in 0..<count {
            let length = layout.plainLength(segment: index, plaintextSize: size) + SegmentedCipherLayout.overhead
            let sealed = try input.read(upToCount: length) ?? Data()
            guard sealed.count == length else { throw ProtectionError.truncated(key: blobKey) }
            try output.write(contentsOf: try openSegment(sealed, index: index, isLast: index == count - 1, key: symmetric, blobKey: blobKey))
        }
    }

    /// Whether the file starts with the encrypted-blob header.
    static func isSealed(_ url: URL) throws -> Bool {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        return SegmentedCipherLayout.parse(header: try handle.read(upToCount: SegmentedCipherLayout.headerSize) ?? Data()) != nil
    }

    private static func sealSegment(_ plain: Data, index: Int, isLast: Bool, key: SymmetricKey, blobKey: String) throws -> Data {
        let aad = SegmentedCipherLayout.associatedData(key: blobKey, segment: index, isLast: isLast)
        guard let combined = try AES.GCM.seal(plain, using: key, authenticating: aad).combined else {
            throw ProtectionError.crypto("cannot seal segment \(index) of \(blobKey)")
        }
        return combined
    }

    private static func openSegment(_ sealed: Data, index: Int, isLast: Bool, key: SymmetricKey, blobKey: String) throws -> Data {
        let aad = SegmentedCipherLayout.associatedData(key: blobKey, segment: index, isLast: isLast)
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: aad)
        } catch {
            throw ProtectionError.tampered(key: blobKey, segment: index)
        }
    }
}
