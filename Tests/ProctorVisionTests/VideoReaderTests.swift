import Foundation
import ProctorVision
import Testing

@Suite("Video reader: grab, then the image only when wanted")
struct VideoReaderTests {
    @Test("grabbing gives the frames' times of reading them whole, and a retrieved frame is the frame read whole")
    func grabMatchesRead() throws {
        let path = TestEnvironment.file("video/webcam_gaze_center_left_center.mp4").path
        let whole = try VideoReader(path: path)
        let grabbing = try VideoReader(path: path)
        var count = 0
        while let (image, timestamp) = try whole.nextFrame() {
            let grabbed = try #require(try grabbing.grab())
            #expect(abs(grabbed - timestamp) < 1e-9)
            if count % 15 == 0 {
                let retrieved = try grabbing.retrieve()
                #expect(retrieved.width == image.width && retrieved.height == image.height)
                #expect(try retrieved.jpegData(quality: 90) == image.jpegData(quality: 90))
            }
            count += 1
        }
        #expect(count > 100)
        #expect(try grabbing.grab() == nil)
    }

    @Test("frames come at the stream's rate to the last one; a file that is not a video is refused with a reason")
    func positionsAndRefusal() throws {
        let reader = try VideoReader(path: TestEnvironment.file("video/webcam_gaze_center_left_center.mp4").path)
        #expect(reader.framesPerSecond == 24)
        #expect(reader.frameCount == 368)
        var times: [Double] = []
        while let time = try reader.grab() { times.append(time) }
        #expect(times.count == 368)
        // Every frame at its own time, the last two included (OpenCV's backend reported 0 for them).
        let worst = times.enumerated().map { abs($0.element - Double($0.offset) / 24) }.max() ?? 1
        #expect(worst < 0.001, "a frame is \(worst) s off its place")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("not-video-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let garbage = folder.appendingPathComponent("chunk.webm")
        try Data((0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: garbage)
        for path in [garbage.path, folder.appendingPathComponent("missing.webm").path] {
            do {
                _ = try VideoReader(path: path)
                Issue.record("\(path) opened as a video")
            } catch {
                #expect(error.message.contains(path), "\(error.message)")
            }
        }
    }
}
