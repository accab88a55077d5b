import Foundation
import Testing

@testable import ProctorCore

@Suite("Analysis message schema")
struct AnalysisMessageTests {
    func message(pose: HeadPose?) -> AnalysisMessage {
        var window = BehaviourWindow()
        let observation = FrameObservation(
            timestamp: 1.5, faceCount: pose == nil ? 0 : 1, pose: pose, isDeviation: false,
            deviationDuration: 0, personCount: 1, forbiddenItems: [])
        window.append(observation)
        let risk = RiskScorer().assess(observation, behaviour: window.summary)
        return AnalysisMessage(
            sessionId: "s1", timestamp: 1.5,
            gaze: GazeReport(faceDetected: pose != nil, deviation: false, pose: pose, deviationDuration: 0, landmarksCount: 468, confidence: 0.9, faceCount: 1),
            objects: ObjectsReport(personCount: 1, forbiddenItems: [], allDetections: [], confidence: 0, fresh: true, ageSeconds: 0),
            behavior: BehaviorReport(window.summary),
            risk: RiskReport(risk),
            metadata: FrameMetadata(
                sessionId: "s1", timestamp: 1.5, processingTimeMs: 20, preprocessingTimeMs: 5, detectionTimeMs: 12,
                frameWithinTimeout: true, frameSkipped: false,
                preprocessing: .init(
                    enabled: true, config: .init(claheEnabled: true, bilateralEnabled: true, gamma: 1),
                    roi: .init(enabled: false, region: nil),
                    sampling: .init(SamplingDecision(shouldProcess: true, reason: .motion, motionScore: 12, skipRatio: 0.5))),
                performance: .init(totalFrames: 4, processedFrames: 2, skippedFrames: 2, droppedFrames: 0),
                stages: StageTimings()
            ),
            faces: []
        )
    }

    func object(_ message: AnalysisMessage) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: message.jsonData()) as? [String: Any])
    }

    @Test("every field of the protocol is present under its snake_case name")
    func fields() throws {
        let json = try object(message(pose: HeadPose(yaw: 1, pitch: 2, roll: 3)))
        #expect(json["type"] as? String == "analysis")
        #expect(Set(json.keys).isSuperset(of: ["type", "session_id", "timestamp", "gaze", "objects", "behavior", "risk", "metadata"]))
        let required: [String: Set<String>] = [
            "gaze": ["face_detected", "deviation", "yaw", "pitch", "roll", "deviation_duration", "landmarks_count", "confidence"],
            "objects": ["person_count", "forbidden_items", "all_detections", "confidence"],
            "behavior": ["repeated_deviations", "repeated_objects", "pattern_score", "avg_person_count", "analysis_summary", "window_frames"],
            "risk": ["risk_score", "violation_count", "violations", "alert_level", "recommendations", "details"],
            "metadata": [
                "session_id", "timestamp", "processing_time_ms", "preprocessing_time_ms", "detection_time_ms",
                "frame_within_timeout", "frame_skipped", "preprocessing", "performance",
            ],
        ]
        for (section, keys) in required {
            let part = try #require(json[section] as? [String: Any], "missing \(section)")
            #expect(Set(part.keys).isSuperset(of: keys), "\(section) lacks \(keys.subtracting(part.keys))")
        }
        let metadata = try #require(json["metadata"] as? [String: Any])
        let preprocessing = try #require(metadata["preprocessing"] as? [String: Any])
        #expect(Set(preprocessing.keys).isSuperset(of: ["enabled", "config", "roi", "sampling"]))
        #expect(Set((preprocessing["config"] as? [String: Any] ?? [:]).keys).isSuperset(of: ["clahe_enabled", "bilateral_enabled"]))
        #expect((preprocessing["roi"] as? [String: Any])?["enabled"] as? Bool == false)
        #expect(Set((preprocessing["sampling"] as? [String: Any] ?? [:]).keys).isSuperset(of: ["motion_score", "should_process", "skip_ratio"]))
        #expect(Set((metadata["performance"] as? [String: Any] ?? [:]).keys).isSuperset(of: ["total_frames", "processed_frames", "skipped_frames"]))
        #expect((json["risk"] as? [String: Any])?["alert_level"] as? String == "none")
    }

    @Test("angles are null, not missing, without a face")
    func nullAngles() throws {
        let gaze = try #require(try object(message(pose: nil))["gaze"] as? [String: Any])
        #expect(gaze.keys.contains("yaw"))
        #expect(gaze["yaw"] is NSNull)
    }

    @Test("a message survives a round trip")
    func roundTrip() throws {
        let original = message(pose: HeadPose(yaw: 10, pitch: -5, roll: 2))
        let decoded = try AnalysisMessage.decoder.decode(AnalysisMessage.self, from: original.jsonData())
        #expect(decoded == original)
    }

    @Test("percentiles use nearest rank")
    func percentiles() {
        let stats = LatencyStatistics((1...100).map(Double.init))
        #expect(stats.p50 == 50)
        #expect(stats.p95 == 95)
        #expect(stats.p99 == 99)
        #expect(stats.max == 100)
        #expect(LatencyStatistics([]).p50 == 0)
    }
}
