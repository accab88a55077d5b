import Foundation
import ProctorCore
import ProctorPipeline
import ProctorVision
import Testing

/// A live frame (encoded bytes: decoding, sampling and both paths in one trip to one worker) is
/// analysed exactly as the same picture given decoded (the two paths on two workers at once).
@Suite("Encoded frames: one trip to a worker, the same analysis", .serialized)
struct EncodedFrameTripTests {
    @Test(
        "the same faces, poses, objects, risk and sampling, frame by frame", arguments: ["video/webcam_gaze_center_left_center.mp4", "video/crowd_walking.mp4"])
    func sameAnalysis(clip: String) async throws {
        let pool = try await pool()
        let path = TestEnvironment.file(clip).path
        let reader = try await pool.run { _ in SequentialVideoReader(try VideoReader(path: path)) }
        var encodedPipeline = DetectionPipeline(sessionId: clip, configuration: PipelineConfiguration(), pool: pool)
        var decodedPipeline = DetectionPipeline(sessionId: clip, configuration: PipelineConfiguration(), pool: pool)
        var compared = 0
        var analysed = 0
        var objectPasses = 0
        var index = 0
        while compared < 30, let (frame, timestamp) = try await pool.run({ _ in try reader.next() }) {
            defer { index += 1 }
            guard index % 4 == 0 else { continue }
            // Both pipelines see the same pixels: the JPEG a browser would send, and its decoding.
            let bytes = try await pool.run { _ in try frame.jpegData() }
            let decoded = try await pool.run { _ in try Image.decode(bytes) }
            let encoded = try await encodedPipeline.process(encodedFrame: bytes, timestamp: timestamp)
            let direct = try await decodedPipeline.process(frame: decoded, timestamp: timestamp)
            #expect(encoded.isSkipped == direct.isSkipped, "at \(timestamp)")
            #expect(encoded.message.metadata.preprocessing == direct.message.metadata.preprocessing, "at \(timestamp)")
            #expect(encoded.observation == direct.observation, "at \(timestamp)")
            #expect(encoded.risk == direct.risk, "at \(timestamp)")
            var message = encoded.message
            message.metadata = direct.message.metadata
            #expect(message == direct.message, "at \(timestamp)")
            compared += 1
            if !encoded.isSkipped { analysed += 1 }
            if encoded.message.objects.fresh { objectPasses += 1 }
        }
        print("encoded trip \(clip): \(compared) frames, \(analysed) analysed, \(objectPasses) with an object pass")
        #expect(compared >= 20)
        #expect(analysed >= 8 && objectPasses >= 3)
    }
}
