/// Where the bytes of an encrypted blob lie: a fixed header, then the plaintext cut into segments of
/// `segmentSize` bytes, each sealed on its own (AES-GCM: a 12-byte nonce before, a 16-byte tag after).
///
/// Segments make an HTTP Range read cheap: bytes `a...b` of a master video need only the segments
/// that hold them, not the whole file. Pure arithmetic, so the encrypting store and its tests agree.
public struct SegmentedCipherLayout: Sendable, Hashable {
    /// "PRCTENC" and the format version: a file without it is a blob written before encryption.
    public static let magic: [UInt8] = Array("PRCTENC1".utf8)
    /// Magic, then the segment size as a 4-byte big-endian number, then 4 reserved bytes.
    public static let headerSize = 16
    public static let nonceSize = 12
    public static let tagSize = 16
    /// What sealing adds to each segment.
    public static let overhead = nonceSize + tagSize

    /// Plaintext bytes per segment (the last may be shorter; an empty blob is one empty segment).
    public let segmentSize: Int

    public init(segmentSize: Int) {
        precondition(segmentSize > 0, "segment size must be positive")
        self.segmentSize = segmentSize
    }

    /// The header of a blob in this layout.
    public var header: [UInt8] {
        let size = UInt32(segmentSize)
        return Self.magic + [UInt8(size >> 24), UInt8((size >> 16) & 0xff), UInt8((size >> 8) & 0xff), UInt8(size & 0xff), 0, 0, 0, 0]
    }

    /// The layout a header names, nil when the bytes are not one (a plaintext blob, or a damaged one).
    public static func parse(header bytes: some Collection<UInt8>) -> SegmentedCipherLayout? {
        let bytes = Array(bytes)
        guard bytes.count >= headerSize, Array(bytes[0..<magic.count]) == magic else { return nil }
        let size = bytes[8..<12].reduce(0) { $0 << 8 | Int($1) }
        guard size > 0, size <= 64 << 20 else { return nil }
        return SegmentedCipherLayout(segmentSize: size)
    }

    /// How many segments hold `plaintextSize` bytes.
    public func segmentCount(plaintextSize: Int) -> Int {
        max(1, (plaintextSize + segmentSize - 1) / segmentSize)
    }

    /// The size of the stored file for `plaintextSize` bytes.
    public func ciphertextSize(plaintextSize: Int) -> Int {
        Self.headerSize + plaintextSize + segmentCount(plaintextSize: plaintextSize) * Self.overhead
    }

    /// The plaintext size of a stored file, nil when no plaintext has that size (a truncated file).
    public func plaintextSize(ciphertextSize: Int) -> Int? {
        let body = ciphertextSize - Self.headerSize
        let sealed = segmentSize + Self.overhead
        guard body >= Self.overhead else { return nil }
        let full = body / sealed
        let rest = body % sealed
        if rest == 0 { return full * segmentSize }
        guard rest >= Self.overhead else { return nil }
        return full * segmentSize + rest - Self.overhead
    }

    /// Where segment `index` of a blob of `plaintextSize` bytes lies in the file (nonce, ciphertext, tag).
    public func sealedRange(segment index: Int, plaintextSize: Int) -> Range<Int> {
        let start = Self.headerSize + index * (segmentSize + Self.overhead)
        return start..<(start + plainLength(segment: index, plaintextSize: plaintextSize) + Self.overhead)
    }

    /// The plaintext length of segment `index`.
    public func plainLength(segment index: Int, plaintextSize: Int) -> Int {
        max(0, min(segmentSize, plaintextSize - index * segmentSize))
    }

    /// The segments that hold the plaintext bytes `range` (already clamped to the blob).
    public func segments(covering range: Range<Int>) -> ClosedRange<Int> {
        let first = range.lowerBound / segmentSize
        let last = max(first, (range.upperBound - 1) / segmentSize)
        return first...last
    }

    /// The associated data of a segment: the blob's key (a file moved to another key does not
    /// open), its index (segments cannot be reordered) and whether it is the last (a file cut at a
    /// segment boundary does not open).
    public static func associatedData(key: String, segment index: Int, isLast: Bool) -> [UInt8] {
        let number = UInt64(index)
        return Array(key.utf8) + [0] + (0..<8).map { UInt8((number >> (56 - 8 * $0)) & 0xff) } + [isLast ? 1 : 0]
    }
}
