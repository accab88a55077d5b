import Foundation
import ProctorCore
import ProctorPipeline
import ProctorVision
import Testing

/// Eye gaze from the iris on whole clips, with adaptive sampling on as `proctor analyze` runs them.
///
/// The webcam clip's labels (../shared/testdata/labels.json): gaze at the centre 0-5 s, eyes turned
/// to one side with the head still 5-10 s, centre again 10-15.3 s, estimated at 0.5-1 s resolution.
/// The shares are taken inside each segment with half a second to a second left out at the changes.
@Suite("Accuracy: eye gaze", .serialized)
struct EyeGazeAccuracyTests {
    /// - Parameter height: frames are scaled to this height first (0 keeps them), as a 640x480 webcam would send them.
    func analyse(_ relative: String, configuration: PipelineConfiguration = PipelineConfiguration(), height: Int = 0) async throws -> [AnalysisMessage] {
        let pool = try await pool()
        let path = TestEnvironment.file(relative).path
        let reader = try await pool.run { _ in SequentialVideoReader(try VideoReader(path: path)) }
        var pipeline = DetectionPipeline(sessionId: relative, configuration: configuration, pool: pool)
        var messages: [AnalysisMessage] = []
        while let (frame, timestamp) = try await pool.run({ _ in
            try reader.next().map { frame, timestamp in
                height > 0 ? (try frame.resized(width: frame.width * height / frame.height, height: height), timestamp) : (frame, timestamp)
            }
        }) {
            let outcome = try await pipeline.process(frame: frame, timestamp: timestamp)
            if !outcome.isSkipped { messages.append(outcome.message) }
        }
        return messages
    }

    func flagged(_ message: AnalysisMessage) -> Bool {
        message.risk.details.violations.contains { $0.kind == .eyesOffScreen }
    }

    /// Share of processed frames in `range` whose eyes are off screen, and how many frames that is.
    func share(_ messages: [AnalysisMessage], _ range: ClosedRange<Double>) -> (share: Double, flagged: Int, frames: Int) {
        let inside = messages.filter { range.contains($0.timestamp) }
        let flagged = inside.filter(\.gaze.eyes.offScreen).count
        return (inside.isEmpty ? 0 : Double(flagged) / Double(inside.count), flagged, inside.count)
    }

    @Test(
        "the webcam clip's sideways glance is flagged as eyes off screen, its centre segments are not",
        arguments: [0, 480])
    func webcamClip(height: Int) async throws {
        let messages = try await analyse("video/webcam_gaze_center_left_center.mp4", height: height)
        let size = height == 0 ? "at 480x848" : "scaled to 272x\(height) (a 640x480 webcam's face)"
        let turned = share(messages, 5.5...9.5)
        let before = share(messages, 0...4.5)
        let after = share(messages, 10.5...15.3)
        func line(_ s: (share: Double, flagged: Int, frames: Int)) -> String { String(format: "%.0f %% (%d of %d)", s.share * 100, s.flagged, s.frames) }
        print("eye gaze, webcam clip \(size): off screen in 5.5-9.5 s \(line(turned)); in 0-4.5 s \(line(before)); in 10.5-15.3 s \(line(after))")
        let turnedYaw = messages.filter { (6.0...9.5).contains($0.timestamp) }.compactMap(\.gaze.eyes.gazeYaw)
        let centreYaw = messages.filter { (3.0...4.5).contains($0.timestamp) || (10.5...15.3).contains($0.timestamp) }.compactMap(\.gaze.eyes.gazeYaw)
        print(
            String(
                format: "eye gaze, webcam clip %@: gaze yaw %.1f…%.1f° while turned, %.1f…%.1f° at the centre", size,
                turnedYaw.min() ?? .nan, turnedYaw.max() ?? .nan, centreYaw.min() ?? .nan, centreYaw.max() ?? .nan))
        // The eyes are found on every frame with a face, and it is calibrated automatically within the first seconds.
        #expect(messages.filter(\.gaze.eyes.detected).count >= messages.filter(\.gaze.faceDetected).count * 95 / 100)
        let calibratedAt = try #require(messages.first { $0.gaze.eyes.calibrated }).timestamp
        #expect(calibratedAt >= 3 && calibratedAt <= 4.5)
        #expect(messages.allSatisfy { !$0.gaze.eyes.calibrated || $0.gaze.eyes.calibration == .automatic })
        // The glance: most of the turned segment flagged (the first 1.5 s of it are the required
        // persistence, sampled at 2 frames/s), the head still (head pose alone says nothing).
        #expect(turned.frames >= 8 && turned.share >= 0.5)
        #expect(before.share <= 0.1 && after.share <= 0.1)
        #expect(!messages.filter { $0.timestamp <= 4.5 || $0.timestamp >= 10.5 }.contains(where: flagged))
        #expect(messages.allSatisfy { !$0.gaze.deviation })
        // Toward the image's left (the subject's own right), as the yaw sign; and clearly apart from the centre.
        #expect(turnedYaw.count >= 7 && turnedYaw.allSatisfy { $0 > 10 })
        #expect(centreYaw.count >= 10 && centreYaw.allSatisfy { abs($0) < 9 })
        // One episode: the findings a session would record.
        var episodes = EpisodeTracker(closeAfter: 2)
        var opened: [ViolationEpisode] = []
        for message in messages {
            let findings = flagged(message) ? [Finding(kind: .eyesOffScreen, confidence: 1)] : []
            opened += episodes.update(findings: findings, at: message.timestamp) { UUID().uuidString }.opened
        }
        #expect(opened.count == 1)
        #expect(opened.first.map { (6.5...8.5).contains($0.start) } ?? false)
    }

    @Test("the frontal news clip raises no eyes_off_screen finding")
    func newsClip() async throws {
        let messages = try await analyse("video/news_single_face_frontal.mp4")
        let off = messages.filter(\.gaze.eyes.offScreen).count
        print(
            "eye gaze, news clip: \(messages.count) processed, eyes found in \(messages.filter(\.gaze.eyes.detected).count), off screen in \(off), calibrated: \(messages.last?.gaze.eyes.calibrated ?? false)"
        )
        #expect(!messages.isEmpty)
        #expect(messages.filter(\.gaze.eyes.detected).count >= messages.count / 2)
        #expect(off == 0 && !messages.contains(where: flagged))
    }

    @Test("with eye gaze switched off the message says nothing about the eyes")
    func switchedOff() async throws {
        var configuration = PipelineConfiguration()
        configuration.gaze.eyes.enabled = false
        configuration.sampling.enabled = false
        var pipeline = DetectionPipeline(sessionId: "off", configuration: configuration, pool: try await pool())
        let outcome = try await pipeline.process(encodedFrame: try TestEnvironment.bytes("head_pose/aflw2000_image00050.jpg"), timestamp: 0)
        #expect(outcome.message.gaze.faceDetected)
        #expect(outcome.message.gaze.eyes == .none)
        #expect(outcome.message.metadata.stages.irisMs == 0)
    }
}
