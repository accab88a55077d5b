import CProctorVision
import Foundation

extension ImageHeader {
    /// The format the decoder (`pv_image_decode`) would decode the bytes as, by their leading
    /// signature: the decoder's own test, so the two cannot disagree; nil for data it refuses
    /// whatever followed.
    public static func signature(_ bytes: UnsafeRawBufferPointer) -> Format? {
        switch Int(pv_image_format(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)) {
        case Int(PV_IMAGE_JPEG): .jpeg
        case Int(PV_IMAGE_PNG): .png
        case Int(PV_IMAGE_WEBP): .webp
        case Int(PV_IMAGE_BMP): .bmp
        default: nil
        }
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
