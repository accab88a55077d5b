/// Reads an image's size from its header without decoding it, so oversized frames are refused cheaply.
public struct ImageHeader: Sendable, Hashable {
    public enum Format: String, Sendable { case jpeg, png, webp, bmp }

    public var format: Format
    public var width: Int
    public var height: Int
    /// False for a JPEG whose data stops before the end-of-image marker (a cut-off upload), which
    /// OpenCV would otherwise decode into a half-grey frame without complaint.
    public var isComplete = true

    /// The size in a JPEG's start-of-frame marker or a PNG's IHDR; nil for other or truncated data.
    public static func probe(_ bytes: UnsafeRawBufferPointer) -> ImageHeader? {
        if bytes.count >= 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            let width = bigEndian(bytes, at: 16, count: 4)
            let height = bigEndian(bytes, at: 20, count: 4)
            return ImageHeader(format: .png, width: width, height: height)
        }
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var offset = 2
        while offset + 9 < bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            let marker = bytes[offset + 1]
            if marker == 0xFF {
                offset += 1
                continue
            }  // fill byte
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) {
                offset += 2
                continue
            }
            let length = bigEndian(bytes, at: offset + 2, count: 2)
            // SOF0...SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                let height = bigEndian(bytes, at: offset + 5, count: 2)
                let width = bigEndian(bytes, at: offset + 7, count: 2)
                return ImageHeader(format: .jpeg, width: width, height: height, isComplete: hasEndMarker(bytes, after: offset))
            }
            if marker == 0xDA || length < 2 { return nil }  // scan data before any frame header
            offset += 2 + length
        }
        return nil
    }

    /// Whether an end-of-image marker (FF D9) follows `offset`. Segments before the frame header,
    /// where an EXIF thumbnail keeps its own marker, are already skipped; inside entropy-coded data
    /// FF is always followed by 00 or a restart marker, so FF D9 there is the real end.
    private static func hasEndMarker(_ bytes: UnsafeRawBufferPointer, after offset: Int) -> Bool {
        var index = bytes.count - 2
        while index > offset {
            if bytes[index] == 0xFF && bytes[index + 1] == 0xD9 { return true }
            index -= 1
        }
        return false
    }

    private static func bigEndian(_ bytes: UnsafeRawBufferPointer, at offset: Int, count: Int) -> Int {
        (0..<count).reduce(0) { ($0 << 8) | Int(bytes[offset + $1]) }
    }
}
