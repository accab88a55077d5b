import CProctorVision
import Foundation
import ProctorCore

/// An 8-bit BGR (or grayscale) image held by OpenCV.
///
/// Immutable once made: every operation returns a new image. That is what makes it safe to hand
/// between tasks and worker threads.
public final class Image: @unchecked Sendable {
    let handle: OpaquePointer

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        pv_image_free(handle)
    }

    public var width: Int { Int(pv_image_width(handle)) }
    public var height: Int { Int(pv_image_height(handle)) }
    public var channels: Int { Int(pv_image_channels(handle)) }
    public var pixelCount: Int { width * height }

    /// Decodes JPEG (upright by its EXIF orientation), PNG, WebP or uncompressed BMP bytes. Refuses
    /// images above `maximumPixels` before decoding their pixels.
    public static func decode(_ bytes: some ContiguousBytes, maximumPixels: Int = .max) throws(VisionError) -> Image {
        try ImageHeader.screen(bytes, maximumPixels: maximumPixels)
        let result: Result<Image, VisionError> = bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return .failure(VisionError(.notAnImage, "no image data")) }
            let pointer = base.assumingMemoryBound(to: UInt8.self)
            return Result { () throws(VisionError) in
                Image(
                    handle: try created("cannot decode image") {
                        pv_image_decode(pointer, raw.count, maximumPixels == .max ? 0 : UInt64(max(1, maximumPixels)), $0)
                    })
            }
        }
        // Every format's decoder checks the size it reads before decoding a pixel (PV_ERR_TOO_LARGE).
        return try result.get()
    }

    /// A copy of packed BGR pixels.
    public static func fromBGR(_ bytes: [UInt8], width: Int, height: Int) throws(VisionError) -> Image {
        guard bytes.count >= width * height * 3 else { throw VisionError(.invalidArgument, "BGR buffer too small") }
        return Image(
            handle: try created("cannot wrap pixels") { status in
                bytes.withUnsafeBufferPointer { pv_image_from_bgr($0.baseAddress, Int32(width), Int32(height), Int32(width * 3), status) }
            })
    }
}
