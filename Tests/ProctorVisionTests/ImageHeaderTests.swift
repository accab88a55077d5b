import Testing

@testable import ProctorVision

@Suite("Image header probe")
struct ImageHeaderTests {
    func probe(_ bytes: [UInt8]) -> ImageHeader? { bytes.withUnsafeBytes { ImageHeader.probe($0) } }

    @Test("PNG size from IHDR")
    func png() throws {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
        bytes += [0, 0, 0x02, 0x80, 0, 0, 0x01, 0xE0, 8, 2, 0, 0, 0]
        let header = try #require(probe(bytes))
        #expect(header.format == .png && header.width == 640 && header.height == 480)
    }

    @Test("JPEG size from the frame header, skipping other segments")
    func jpeg() throws {
        // SOI, APP0 (length 4), SOF0 with 480x640, then EOI.
        let bytes: [UInt8] = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00,
            0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0xFF, 0xD9,
        ]
        let header = try #require(probe(bytes))
        #expect(header.format == .jpeg && header.width == 640 && header.height == 480)
        #expect(header.isComplete)
        #expect(probe(Array(bytes.dropLast(2)))?.isComplete == false)
    }

    @Test("the screen refuses non-images, oversized, empty and cut-off images from their headers alone")
    func screen() throws {
        func refusal(_ bytes: [UInt8], maximumPixels: Int = .max) -> VisionError.Kind? {
            do throws(VisionError) {
                try ImageHeader.screen(bytes, maximumPixels: maximumPixels)
                return nil
            } catch { return error.kind }
        }
        let jpeg: [UInt8] = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00,
            0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0xFF, 0xD9,
        ]
        #expect(refusal(jpeg) == nil)
        #expect(refusal(jpeg, maximumPixels: 640 * 480) == nil)
        #expect(refusal(jpeg, maximumPixels: 640 * 480 - 1) == .imageTooLarge)
        #expect(refusal(Array(jpeg.dropLast(2))) == .notAnImage)
        var empty = jpeg
        empty[13...16] = [0, 0, 0, 0]
        #expect(refusal(empty) == .notAnImage)
        #expect(refusal(Array("hello world".utf8)) == .notAnImage)
        #expect(refusal([]) == .notAnImage)
        #expect(refusal(Array("GIF89a".utf8)) == .notAnImage)
        // WebP and BMP pass on their signature; their size is checked by the decoder.
        #expect(refusal(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == nil)
        #expect(refusal(Array("BM".utf8) + [UInt8](repeating: 0, count: 52)) == nil)
        #expect(jpeg.withUnsafeBytes { ImageHeader.signature($0) } == .jpeg)
    }

    @Test("other data gives no header")
    func other() {
        #expect(probe([]) == nil)
        #expect(probe([0xFF, 0xD8]) == nil)
        #expect(probe(Array("GIF89a".utf8)) == nil)
    }
}

@Suite("Video timestamps")
struct VideoTimestampTests {
    @Test("a position that does not advance is placed one frame later")
    func monotonic() {
        #expect(VideoReader.monotonic(0.5, after: 0.4, framesPerSecond: 25) == 0.5)
        #expect(VideoReader.monotonic(0, after: 15.0, framesPerSecond: 25) == 15.04)
        #expect(VideoReader.monotonic(0, after: nil, framesPerSecond: 25) == 0)
        #expect(VideoReader.monotonic(2, after: 2, framesPerSecond: 0) == 2 + 1.0 / 30)
    }
}
