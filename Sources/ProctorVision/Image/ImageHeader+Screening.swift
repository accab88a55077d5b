import Foundation

extension ImageHeader {
    /// The format the leading bytes announce, by the same signatures the decoder (`pv_image_decode`)
    /// tells formats apart with; nil for data it would refuse whatever followed.
    public static func signature(_ bytes: UnsafeRawBufferPointer) -> Format? {
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        if bytes.count >= 8, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), bytes[8..<12].elementsEqual("WEBP".utf8) { return .webp }
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "B"), bytes[1] == UInt8(ascii: "M") { return .bmp }
        return nil
    }

    /// Refuses what can be refused without decoding a pixel: data that is no image the decoder
    /// reads, an image above `maximumPixels`, an image of zero size and a cut-off JPEG.
    ///
    /// It reads a few header bytes, cheap enough for a connection's own task: a live frame that could
    /// never be analysed is answered at once, and never takes the place of a good frame waiting for
    /// a worker (a session's mailbox keeps only the newest frame).
    public static func screen(_ bytes: some ContiguousBytes, maximumPixels: Int = .max) throws(VisionError) {
        let (format, header) = bytes.withUnsafeBytes { (signature($0), probe($0)) }
        guard format != nil else {
            throw VisionError(.notAnImage, "data is not a decodable image (JPEG, PNG, WebP or BMP)")
        }
        guard let header else { return }
        if header.width * header.height > maximumPixels {
            throw VisionError(.imageTooLarge, "image is \(header.width)x\(header.height), above the limit of \(maximumPixels) pixels")
        }
        if header.width == 0 || header.height == 0 {
            throw VisionError(.notAnImage, "image has zero size")
        }
        if !header.isComplete {
            throw VisionError(.notAnImage, "JPEG data is truncated (no end-of-image marker)")
        }
    }
}
