import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import NIOCore
import ProctorCore
import ProctorServer
import Testing

/// The seed document's REST and WebSocket shapes, kept for its clients: every key path of the
/// seed's examples must exist in Proctor's answer with the same JSON type (extra keys are fine).
@Suite("Seed shapes", .serialized, .timeLimit(.minutes(2)))
struct SeedShapeTests {
    /// The seed's examples, value types as the seed writes them (times as ISO-8601 strings, except
    /// the analysis `timestamp`, seconds of the stream).
    static let examples: [String: String] = [
        "/": #"{"message":"AI Proctoring System API","version":"1.0.0","status":"running"}"#,
        "/health": #"{"status":"healthy","version":"1.0.0"}"#,
        "/ws/sessions": #"""
        {"active_sessions":1,
         "sessions":[{"session_id":"exam-1","metadata":{"connected_at":"2024-05-01T10:00:00","frames_processed":12}}],
         "timestamp":"2024-05-01T10:00:05"}
        """#,
        "/ws/pipeline/info": #"""
        {"pipeline":{"detectors":{"gaze":{},"objects":{"model_type":"yolov8","confidence_threshold":0.5},"behavior":{"window_size":30}},
                     "risk_scorer":{"weights":{"deviation":20,"forbidden_items":30,"multiple_persons":40}}},
         "connections":1,"timestamp":"2024-05-01T10:00:05"}
        """#,
        "analysis": #"""
        {"type":"analysis","session_id":"exam-1","timestamp":1.5,
         "gaze":{"face_detected":true,"deviation":false,"yaw":1.0,"pitch":2.0,"roll":3.0,"deviation_duration":0.0,"landmarks_count":468,"confidence":0.9},
         "objects":{"person_count":1,"forbidden_items":[],"all_detections":[],"confidence":0.0},
         "behavior":{"repeated_deviations":0,"repeated_objects":0,"pattern_score":0.0,"avg_person_count":1.0,"analysis_summary":"Normal behavior"},
         "risk":{"risk_score":0,"violation_count":0,"violations":[],"alert_level":"none","recommendations":[],"details":{}},
         "metadata":{"session_id":"exam-1","timestamp":1.5,"processing_time_ms":20.0,"preprocessing_time_ms":5.0,"detection_time_ms":12.0,
                     "frame_within_timeout":true,"frame_skipped":false,
                     "preprocessing":{"enabled":true,"config":{"clahe_enabled":true,"bilateral_enabled":true},"roi":{"enabled":false},
                                      "sampling":{"motion_score":12.0,"should_process":true,"skip_ratio":0.5}},
                     "performance":{"total_frames":4,"processed_frames":2,"skipped_frames":2}}}
        """#,
    ]

    /// Every key path in `example` whose counterpart in `actual` is missing or of another JSON type
    /// (integers and decimals are both numbers; arrays: the first elements are compared).
    static func mismatches(_ example: JSONValue, _ actual: JSONValue?, path: String = "") -> [String] {
        let here = path.isEmpty ? "(top)" : path
        guard let actual else { return ["\(here): missing"] }
        switch (example, actual) {
        case (.object(let expected), .object(let found)):
            return expected.keys.sorted().flatMap { mismatches(expected[$0]!, found[$0], path: path.isEmpty ? $0 : "\(path).\($0)") }
        case (.array(let expected), .array(let found)):
            guard let first = expected.first, let second = found.first else { return [] }
            return mismatches(first, second, path: path + "[0]")
        case (.string, .string), (.number, .number), (.bool, .bool), (.null, _):
            return []
        // A value the seed shows filled may be null when there is nothing (no face: no angles).
        case (.string, .null), (.number, .null), (.bool, .null):
            return []
        default:
            return ["\(here): \(name(actual)), expected \(name(example))"]
        }
    }

    static func name(_ value: JSONValue) -> String {
        switch value {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .null: "null"
        }
    }

    static func parse(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static func example(_ name: String) throws -> JSONValue {
        try parse(try #require(examples[name]))
    }

    @Test("/, /health, /ws/sessions, /ws/pipeline/info and the analysis message have every key of the seed's examples, with its type")
    func seedShapes() async throws {
        let server = try await TestServer.make()
        let face = try ServerTestEnvironment.bytes("head_pose/aflw2000_image00050.jpg")
        let conversation = Conversation()
        let answers = Conversation()
        try await server.application.test(.live) { client in
            try await client.ws(server.live("seed-1"), configuration: server.liveConfiguration) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                try await outbound.write(.text(frameMessage(face, timestamp: 1.5)))
                try await reader.collect(into: conversation) { $0["type"] as? String == "analysis" }
                // While the candidate is connected: the live routes list it.
                for path in ["/", "/health", "/ws/sessions", "/ws/pipeline/info"] {
                    let response = try await client.executeRequest(uri: path, method: .get, headers: server.admin, body: nil)
                    #expect(response.status == .ok, "\(path)")
                    answers.append(#"{"path":"\#(path)","body":\#(String(buffer: response.body))}"#)
                }
                try await outbound.write(.text(#"{"type":"end"}"#))
                try await reader.collect(into: conversation) { $0["type"] as? String == "session_ended" }
            }
        }
        var found: [String: JSONValue] = [:]
        for text in answers.received {
            if case .object(let entry) = try Self.parse(text), case .string(let path) = entry["path"] { found[path] = entry["body"] }
        }
        found["analysis"] = try conversation.received.map(Self.parse).first {
            if case .object(let message) = $0 { return message["type"] == .string("analysis") }
            return false
        }
        for name in Self.examples.keys.sorted() {
            let problems = Self.mismatches(try Self.example(name), found[name])
            #expect(problems.isEmpty, "\(name): \(problems.joined(separator: "; "))")
        }
        if case .object(let sessions) = found["/ws/sessions"] { #expect(sessions["active_sessions"] == .number(1)) } else { Issue.record("no /ws/sessions") }
        if case .object(let info) = found["/ws/pipeline/info"] { #expect(info["connections"] == .number(1)) } else { Issue.record("no /ws/pipeline/info") }
        await server.stop()
    }

    @Test("the comparison itself catches a missing key and a wrong type")
    func comparisonFails() throws {
        let example = try Self.example("/ws/sessions")
        let wrong: JSONValue = ["active_sessions": "1", "sessions": [["session_id": "x", "metadata": [:]]]]
        let problems = Self.mismatches(example, wrong)
        #expect(problems.contains("active_sessions: string, expected number"))
        #expect(problems.contains("sessions[0].metadata.connected_at: missing"))
        #expect(problems.contains("timestamp: missing"))
    }
}
