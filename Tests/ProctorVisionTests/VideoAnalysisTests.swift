import Foundation
import ProctorCore
import ProctorPipeline
import ProctorVision
import Testing

/// Whole clips through the pipeline with adaptive sampling on, as `proctor analyze` runs them.
@Suite("Accuracy: video clips", .serialized)
struct VideoAnalysisTests {
    /// Every processed frame of a clip.
    func analyseVideo(_ relative: String) async throws -> (messages: [AnalysisMessage], frames: Int) {
        let pool = try await pool()
        let path = TestEnvironment.file(relative).path
        let reader = try await pool.run { _ in SequentialVideoReader(try VideoReader(path: path)) }
        var pipeline = DetectionPipeline(sessionId: relative, configuration: PipelineConfiguration(), pool: pool)
        var messages: [AnalysisMessage] = []
        var frames = 0
        while let (frame, timestamp) = try await pool.run({ _ in try reader.next() }) {
            frames += 1
            let outcome = try await pipeline.process(frame: frame, timestamp: timestamp)
            if !outcome.isSkipped { messages.append(outcome.message) }
        }
        return (messages, frames)
    }

    @Test("a candidate facing the webcam is seen throughout and not flagged as looking away")
    func webcamClip() async throws {
        let (messages, frames) = try await analyseVideo("video/webcam_gaze_center_left_center.mp4")
        let withFace = messages.filter(\.gaze.faceDetected).count
        let away = messages.filter(\.gaze.deviation).count
        let last = try #require(messages.last)
        print(
            "webcam clip: \(frames) frames, \(messages.count) processed (skip ratio \(String(format: "%.2f", last.metadata.preprocessing.sampling.skipRatio))), face in \(withFace), looking away in \(away)"
        )
        // Sampling: at least min_fps over 15 s, at most max_fps.
        #expect(messages.count >= 28 && messages.count <= 160)
        #expect(Double(withFace) >= 0.95 * Double(messages.count))
        #expect(Double(away) <= 0.1 * Double(messages.count))
        // Timestamps are positions in the video, increasing.
        let times = messages.map(\.timestamp)
        #expect(times == times.sorted())
        #expect((times.last ?? 0) > 14)
        // Objects run about once a second and are carried between runs with their age.
        let fresh = messages.filter(\.objects.fresh).count
        #expect(fresh >= 12 && fresh <= 20)
        #expect(messages.allSatisfy { ($0.objects.ageSeconds ?? 0) < 1.5 })
        #expect(last.behavior.windowFrames == 30)
    }

    @Test("a crowd is flagged as several people")
    func crowdClip() async throws {
        let (messages, _) = try await analyseVideo("video/crowd_walking.mp4")
        let multiple = messages.filter { $0.risk.details.violations.contains { $0.kind == .multiplePeople } }.count
        print("crowd clip: \(messages.count) processed, several people in \(multiple)")
        #expect(!messages.isEmpty)
        #expect(Double(multiple) >= 0.9 * Double(messages.count))
        #expect(messages.last.map { $0.risk.alertLevel >= .medium } ?? false)
    }
}
