import Foundation
import ProctorCore
import ProctorPipeline
import ProctorVision
import Testing

/// The lean face path (the detector every second, the face followed by the mesh in between) against
/// the full one (the detector on every frame), over the dev clips: same faces, same poses within
/// 3°, same findings.
@Suite("Face tracking: the lean path finds what the full path finds", .serialized)
struct FaceTrackingTests {
    struct Frame {
        var timestamp: Double
        var faces: Int
        var pose: HeadPose?
        var kinds: Set<ViolationKind>
    }

    func run(_ relative: String, tracking: Bool) async throws -> [Frame] {
        let pool = try await pool()
        let path = TestEnvironment.file(relative).path
        let reader = try await pool.run { _ in SequentialVideoReader(try VideoReader(path: path)) }
        var configuration = PipelineConfiguration()
        configuration.faces.tracking = tracking
        var pipeline = DetectionPipeline(sessionId: relative, configuration: configuration, pool: pool)
        var frames: [Frame] = []
        while let (frame, timestamp) = try await pool.run({ _ in try reader.next() }) {
            let outcome = try await pipeline.process(frame: frame, timestamp: timestamp)
            guard let observation = outcome.observation, let risk = outcome.risk else { continue }
            frames.append(Frame(timestamp: timestamp, faces: observation.faceCount, pose: observation.pose, kinds: Set(Finding.from(risk).map(\.kind))))
        }
        return frames
    }

    /// Episodes of each kind as (start, end) from per-frame kinds, like the episode tracker with a 2 s gap.
    func episodes(_ frames: [Frame]) -> [ViolationKind: [ClosedRange<Double>]] {
        var tracker = EpisodeTracker(closeAfter: 2)
        var counter = 0
        var closed: [ViolationEpisode] = []
        for frame in frames {
            closed +=
                tracker.update(findings: frame.kinds.map { Finding(kind: $0, confidence: 1) }, at: frame.timestamp) {
                    counter += 1
                    return "\(counter)"
                }.closed
        }
        closed += tracker.finish()
        return Dictionary(grouping: closed.filter { $0.frames >= 2 }, by: \.kind).mapValues { $0.map { $0.start...$0.end } }
    }

    @Test(
        "same faces, poses within 3°, same findings",
        arguments: ["video/webcam_gaze_center_left_center.mp4", "video/news_single_face_frontal.mp4", "video/crowd_walking.mp4"])
    func leanMatchesFull(clip: String) async throws {
        let full = try await run(clip, tracking: false)
        let lean = try await run(clip, tracking: true)
        // Sampling decides on motion alone, so both see the same frames.
        #expect(full.map(\.timestamp) == lean.map(\.timestamp))
        let pairs = zip(full, lean)
        let sameFaces = pairs.filter { $0.faces == $1.faces }.count
        let posed = pairs.compactMap { a, b -> Double? in
            guard let p = a.pose, let q = b.pose else { return nil }
            return max(abs(p.yaw - q.yaw), abs(p.pitch - q.pitch), abs(p.roll - q.roll))
        }
        let within = posed.filter { $0 <= 3 }.count
        let posedFull = full.filter { $0.pose != nil }.count
        print(
            "tracking \(clip): \(full.count) frames, same face count \(sameFaces), poses \(posed.count)/\(posedFull), within 3° \(within), worst \(String(format: "%.1f", posed.max() ?? 0))°"
        )
        // A second person may come into view between detections; the crowd's faces come and go.
        let faceShare = clip.contains("crowd") ? 0.8 : 0.97
        #expect(Double(sameFaces) >= faceShare * Double(full.count))
        #expect(posed.count >= posedFull - max(1, posedFull / 20), "the lean path lost poses the full path had")
        // In a crowd the largest face changes between detections while the lean path follows the one
        // it had: poses are compared where there is one candidate.
        if !clip.contains("crowd") {
            #expect(Double(within) >= 0.95 * Double(max(1, posed.count)))
        }
        // The same findings, starting within a second of each other.
        let fullEpisodes = episodes(full)
        let leanEpisodes = episodes(lean)
        #expect(Set(fullEpisodes.keys) == Set(leanEpisodes.keys), "full \(fullEpisodes) lean \(leanEpisodes)")
        for (kind, spans) in fullEpisodes {
            for span in spans {
                #expect(
                    leanEpisodes[kind, default: []].contains { abs($0.lowerBound - span.lowerBound) <= 1.01 },
                    "\(kind) at \(span) has no lean match: \(leanEpisodes[kind, default: []])")
            }
        }
    }
}
