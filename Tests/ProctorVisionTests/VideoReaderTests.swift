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
}
