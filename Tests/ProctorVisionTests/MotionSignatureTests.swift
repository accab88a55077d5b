import Foundation
import ProctorCore
import ProctorVision
import Testing

/// The sampler's motion score from a thumbnail against the score from the whole frame it replaced.
@Suite("Motion signature: a thumbnail reads the motion of the whole frame")
struct MotionSignatureTests {
    @Test("on the dev clips at 2, 5 and 10 frames/s the thumbnail's scores follow the whole frame's, and the sampler decides alike")
    func thumbnailAgrees() throws {
        let threshold = SamplingConfiguration().motionThreshold
        var pairs = 0
        var agree = 0
        var largestGap = 0.0
        var moving = 0
        for name in ["webcam_gaze_center_left_center.mp4", "news_single_face_frontal.mp4", "crowd_walking.mp4"] {
            let reader = try VideoReader(path: TestEnvironment.file("video/\(name)").path)
            var frames: [Image] = []
            while let (frame, _) = try reader.nextFrame(), frames.count < 150 {
                frames.append(try frame.resized(width: 640, height: 480))
            }
            for step in [3, 6, 12] {
                for index in stride(from: step, to: frames.count, by: step) {
                    let whole = try #require(try MotionSignature(of: frames[index]).score(against: MotionSignature(of: frames[index - step])))
                    let thumbnail = try #require(try MotionSignature.ofFrame(frames[index]).score(against: MotionSignature.ofFrame(frames[index - step])))
                    pairs += 1
                    if (whole > threshold) == (thumbnail > threshold) { agree += 1 }
                    if whole > threshold { moving += 1 }
                    largestGap = max(largestGap, abs(whole - thumbnail))
                }
            }
        }
        print(
            String(
                format: "motion: %d frame pairs (%d moving), the sampler decides alike on %d; largest score gap %.2f grey levels", pairs, moving, agree,
                largestGap))
        #expect(pairs >= 60)
        #expect(moving >= 5)
        #expect(Double(agree) >= 0.95 * Double(pairs))
        #expect(largestGap < 3)
    }
}
