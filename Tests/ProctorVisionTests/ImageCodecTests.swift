import Foundation
import ProctorCore
import ProctorVision
import Testing

/// The shim's own codecs (TurboJPEG, libpng, libwebp, uncompressed BMP) in place of OpenCV's
/// imgcodecs: what imdecode accepted is accepted, turned and refused the same way.
@Suite("Image codecs")
struct ImageCodecTests {
    /// The B, G, R values of pixel (x, y).
    func pixel(_ image: Image, _ x: Int, _ y: Int) throws -> [Int] {
        let tensor = try image.tensor(scale: 1, swapRB: false)
        let plane = image.width * image.height
        return (0..<3).map { Int(tensor.values[$0 * plane + y * image.width + x].rounded()) }
    }

    /// A 64x48 frame: left half blue-black (10, 0, 0), right half white; a red 16x16 block at the
    /// top-left (one JPEG block of colour, so that chroma subsampling keeps it red).
    func halves() throws -> Image {
        var bgr = [UInt8](repeating: 0, count: 64 * 48 * 3)
        for y in 0..<48 {
            for x in 0..<64 {
                let value: [UInt8] = x < 16 && y < 16 ? [0, 0, 255] : x < 32 ? [10, 0, 0] : [255, 255, 255]
                for c in 0..<3 { bgr[(y * 64 + x) * 3 + c] = value[c] }
            }
        }
        return try Image.fromBGR(bgr, width: 64, height: 48)
    }

    /// `jpeg` with an EXIF APP1 segment holding only the orientation tag, right after SOI.
    func withOrientation(_ jpeg: [UInt8], _ orientation: UInt8) -> [UInt8] {
        // "Exif\0\0", big-endian TIFF header, IFD0 at 8 with one entry: 0x0112 SHORT 1 = orientation.
        let tiff: [UInt8] = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0, 0, 0]
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let length = payload.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + jpeg.dropFirst(2)
    }

    @Test("PNG keeps every pixel; JPEG stays within its quality's error")
    func roundTrips() throws {
        let image = try Image.decode(try TestEnvironment.bytes("head_pose/aflw2000_image00050.jpg"))
        let png = try Image.decode(try image.pngData())
        #expect(png.width == image.width && png.height == image.height)
        #expect(try png.tensor(scale: 1, swapRB: false).values == image.tensor(scale: 1, swapRB: false).values)
        let jpeg = try Image.decode(try image.jpegData(quality: 95))
        let a = try image.tensor(scale: 1, swapRB: false).values
        let b = try jpeg.tensor(scale: 1, swapRB: false).values
        let meanError = zip(a, b).map { abs(Double($0 - $1)) }.reduce(0, +) / Double(a.count)
        #expect(meanError < 2.5, "mean error \(meanError)")
        let gray = try Image.decode(try image.resized(width: 32, height: 24).jpegData(quality: 80))
        #expect(gray.channels == 3)
    }

    @Test("a JPEG's EXIF orientation turns it upright, as OpenCV's imdecode did")
    func exifOrientation() throws {
        let plain = try halves().jpegData(quality: 95)
        let upright = try Image.decode(withOrientation(plain, 1))
        #expect(upright.width == 64 && upright.height == 48)
        #expect(try pixel(upright, 8, 8)[2] > 200)  // the red corner stays top-left
        // 6: turned 90° clockwise; the left half (dark) goes to the top, the red corner to the top right.
        let six = try Image.decode(withOrientation(plain, 6))
        #expect(six.width == 48 && six.height == 64)
        #expect(try pixel(six, 24, 24)[1] < 40 && pixel(six, 24, 56)[1] > 200)
        #expect(try pixel(six, 39, 8)[2] > 200)
        // 3: turned 180°; dark on the right.
        let three = try Image.decode(withOrientation(plain, 3))
        #expect(three.width == 64 && three.height == 48)
        #expect(try pixel(three, 8, 24)[1] > 200 && pixel(three, 56, 24)[1] < 40)
        // 8: turned 90° counter-clockwise; the left half goes to the bottom.
        let eight = try Image.decode(withOrientation(plain, 8))
        #expect(eight.width == 48 && eight.height == 64)
        #expect(try pixel(eight, 24, 56)[1] < 40 && pixel(eight, 24, 8)[1] > 200)
        // 2: mirrored left to right.
        let two = try Image.decode(withOrientation(plain, 2))
        #expect(try pixel(two, 8, 24)[1] > 200 && pixel(two, 55, 8)[2] > 200)
        // An orientation out of range, or an EXIF block cut short, leaves the picture as it is.
        #expect(try Image.decode(withOrientation(plain, 9)).width == 64)
    }

    @Test("an uncompressed BMP decodes bottom-up or top-down; a compressed one is refused with a reason")
    func bitmap() throws {
        // 2x2 pixels, 24 bits: rows padded to 8 bytes; bottom-up (positive height) unless flipped.
        func bmp(height: Int32, compression: UInt32 = 0) -> [UInt8] {
            var bytes: [UInt8] = Array("BM".utf8) + le32(54 + 16) + [0, 0, 0, 0] + le32(54)
            bytes += le32(40) + le32(2) + le32(UInt32(bitPattern: height)) + [1, 0, 24, 0] + le32(compression) + le32(16)
            bytes += le32(2835) + le32(2835) + le32(0) + le32(0)
            // Stored first row: blue, green; second: red, white.
            bytes += [255, 0, 0, 0, 255, 0, 0, 0] + [0, 0, 255, 255, 255, 255, 0, 0]
            return bytes
        }
        let bottomUp = try Image.decode(bmp(height: 2))
        #expect(bottomUp.width == 2 && bottomUp.height == 2)
        #expect(try pixel(bottomUp, 0, 0) == [0, 0, 255] && pixel(bottomUp, 0, 1) == [255, 0, 0])  // the last stored row is the top
        let topDown = try Image.decode(bmp(height: -2))
        #expect(try pixel(topDown, 0, 0) == [255, 0, 0] && pixel(topDown, 1, 1) == [255, 255, 255])
        #expect(throws: VisionError.self) { try Image.decode(bmp(height: 2, compression: 1)) }
        #expect(throws: VisionError.self) { try Image.decode(Array(bmp(height: 2).prefix(60))) }
        do {
            _ = try Image.decode(bmp(height: 2), maximumPixels: 3)
            Issue.record("a 4-pixel BMP passed a 3-pixel limit")
        } catch {
            #expect(error.kind == .imageTooLarge)
        }
    }

    @Test("WebP and PNG with alpha decode (alpha dropped); a WebP above the limit is refused before decoding")
    func webpAndAlpha() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("codecs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let webp = folder.appendingPathComponent("frame.webp").path
        let png = folder.appendingPathComponent("alpha.png").path
        try run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240", "-frames:v", "1", "-c:v", "libwebp", "-lossless", "1", webp])
        try run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=c=0x2060C0@0.25:size=40x30,format=rgba", "-frames:v", "1", png])
        let webpBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: webp)))
        let decoded = try Image.decode(webpBytes)
        #expect(decoded.width == 320 && decoded.height == 240 && decoded.channels == 3)
        do {
            _ = try Image.decode(webpBytes, maximumPixels: 320 * 240 - 1)
            Issue.record("a WebP above the limit was decoded")
        } catch {
            #expect(error.kind == .imageTooLarge)
        }
        // The colour as stored (0x2060C0 is R 32, G 96, B 192), not composited onto black by its 25 % alpha.
        let alpha = try Image.decode(try [UInt8](Data(contentsOf: URL(fileURLWithPath: png))))
        #expect(alpha.channels == 3)
        #expect(try pixel(alpha, 5, 5) == [192, 96, 32])
    }

    func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
    func le32(_ value: Int) -> [UInt8] { le32(UInt32(value)) }

    func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(tool) \(arguments.joined(separator: " ")) failed")
    }
}
