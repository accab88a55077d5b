import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import NIOCore
import ProctorCore
import ProctorServer
import ProctorStore
import Testing

/// The gaze calibration: the candidate page's step, measured and stored by the server; the automatic
/// calibration of a live session; and eyes off screen in a recorded chunk.
@Suite("Gaze calibration and eyes off screen", .serialized, .timeLimit(.minutes(5)))
struct GazeCalibrationRouteTests {
    static let clip = "video/webcam_gaze_center_left_center.mp4"

    /// A consented recorded session and its candidate's headers.
    func consentedSession(_ client: some TestClientProtocol, server: TestServer) async throws -> (id: String, auth: HTTPFields) {
        let (id, token) = try await client.execute(
            uri: "/api/sessions", method: .post, headers: server.admin,
            body: ByteBuffer(string: #"{"exam_id":"gaze-1","candidate_id":"c-9","chunk_seconds":12}"#)
        ) { response in
            (json(response)["id"] as? String ?? "", json(response)["upload_token"] as? String ?? "")
        }
        let auth: HTTPFields = [.authorization: "Bearer \(token)"]
        try await client.execute(uri: "/api/sessions/\(id)/calibration", method: .post, headers: auth, body: ByteBuffer(string: #"{"targets":[]}"#)) {
            response in
            #expect(response.status == .forbidden && json(response)["code"] as? String == "consent_required")
        }
        try await client.execute(
            uri: "/api/sessions/\(id)/consent", method: .post, headers: auth,
            body: ByteBuffer(string: #"{"notice_version":"2026-11","items":["webcam_frames","video_chunks","reference_photo","microphone"]}"#)
        ) { response in
            #expect(response.status == .ok)
        }
        return (id, auth)
    }

    /// The body the candidate page sends: base64 JPEGs of the clip at the given seconds, per target.
    func body(_ targets: [(String, [Double])]) async throws -> String {
        var parts: [String] = []
        for (target, times) in targets {
            var frames: [String] = []
            for time in times { frames.append("\"" + Data(try await ChunkFactory.frame(Self.clip, at: time)).base64EncodedString() + "\"") }
            parts.append(#"{"target":"\#(target)","frames":[\#(frames.joined(separator: ","))]}"#)
        }
        return #"{"targets":[\#(parts.joined(separator: ","))]}"#
    }

    @Test("the calibration step is measured and stored by the server, refused with a reason when unusable, and used by the live session from its first frame")
    func explicitCalibration() async throws {
        let server = try await TestServer.make()
        let empty = Data(try ServerTestEnvironment.bytes("no_face/nyu_empty_classroom.jpg")).base64EncodedString()
        // The centre and three corners with the eyes at the centre, one corner with the sideways glance.
        let good = try await body([("center", [1, 1.5, 2]), ("top_left", [2.5]), ("top_right", [7, 8]), ("bottom_right", [12]), ("bottom_left", [13])])
        let face = try await ChunkFactory.frame(Self.clip, at: 3)
        let (sessionId, auth) = try await server.application.test(.router) { client in
            let (id, auth) = try await consentedSession(client, server: server)
            let path = "/api/sessions/\(id)/calibration"
            // Unusable frames are refused with the reason; malformed bodies with the field.
            try await client.execute(
                uri: path, method: .post, headers: auth,
                body: ByteBuffer(string: #"{"targets":[{"target":"center","frames":["\#(empty)","\#(empty)"]}]}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(json(response)["code"] as? String == "calibration_rejected" && json(response)["reason"] as? String == "no_face")
            }
            try await client.execute(
                uri: path, method: .post, headers: auth, body: ByteBuffer(string: #"{"targets":[{"target":"top_left","frames":["\#(empty)"]}]}"#)
            ) { response in
                #expect(response.status == .badRequest && json(response)["code"] as? String == "missing_field")
            }
            try await client.execute(uri: path, method: .post, headers: auth, body: ByteBuffer(string: #"{"targets":[{"target":"center","frames":["%%%"]}]}"#))
            { response in
                #expect(response.status == .badRequest && json(response)["code"] as? String == "invalid_base64")
            }
            try await client.execute(uri: path, method: .post, headers: auth, body: ByteBuffer(string: #"{"targets":[{"target":"middle","frames":[]}]}"#)) {
                response in
                #expect(response.status == .badRequest && json(response)["code"] as? String == "invalid_json")
            }
            try await client.execute(uri: path, method: .post, headers: server.admin, body: ByteBuffer(string: good)) { response in
                #expect(response.status == .forbidden)
            }
            #expect(try await server.services.recordings.gazeCalibration(sessionId: id) == nil)
            try await client.execute(uri: path, method: .post, headers: auth, body: ByteBuffer(string: good)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let body = json(response)
                print("calibration step: \(String(buffer: response.body))")
                #expect(body["source"] as? String == "explicit")
                let range = try #require(body["range"] as? [String: Double])
                // The glance (toward the image's left) widens that side; the others keep the minimum.
                #expect(try #require(range["left"]) > 15 && (try #require(range["left"])) < 30)
                #expect(try #require(range["right"]) >= 8 && (try #require(range["right"])) < 12)
                #expect(try #require(range["up"]) >= 8 && (try #require(range["up"])) < 12)
                let targets = body["targets"] as? [[String: Any]] ?? []
                #expect(targets.count == 5 && targets.allSatisfy { ($0["usable"] as? Int ?? 0) >= 1 })
            }
            return (id, auth)
        }
        let stored = try #require(try await server.services.recordings.gazeCalibration(sessionId: sessionId))
        #expect(stored.calibration.source == .explicit && stored.calibration.frames == 8)
        #expect(
            try await server.services.recordings.milestones(sessionId: sessionId).contains {
                $0.kind == .gazeCalibrated && $0.details.calibration == "explicit"
            })

        // The live session measures against it from the first frame.
        let conversation = Conversation()
        let token = auth[.authorization]!.replacingOccurrences(of: "Bearer ", with: "")
        try await server.application.test(.live) { client in
            try await client.ws(try await server.ticketPath(client, sessionId: sessionId, token: token)) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                try await outbound.write(.text(frameMessage(face, timestamp: 0)))
                try await reader.collect(into: conversation) { $0["type"] as? String == "analysis" }
                try await outbound.write(.text(#"{"type":"end"}"#))
                try await reader.collect(into: conversation) { $0["type"] as? String == "session_ended" }
            }
        }
        let analysis = try #require(conversation.ofType("analysis").first)
        #expect(analysis[path: "gaze", "eyes", "detected"] as? Bool == true)
        #expect(analysis[path: "gaze", "eyes", "calibrated"] as? Bool == true)
        #expect(analysis[path: "gaze", "eyes", "calibration"] as? String == "explicit")
        #expect(analysis[path: "gaze", "eyes", "off_screen"] as? Bool == false)
        #expect(abs(analysis[path: "gaze", "eyes", "horizontal"] as? Double ?? 9) < 0.2)
        await server.stop()
    }

    @Test("without the step, a live session calibrates itself in its first 3 s and stores it; a reconnect keeps it")
    func automaticCalibration() async throws {
        let server = try await TestServer.make()
        var collected: [(Double, [UInt8])] = []
        for time in stride(from: 0.0, through: 4.0, by: 0.5) { collected.append((time, try await ChunkFactory.frame(Self.clip, at: time))) }
        let frames = collected
        let (sessionId, auth) = try await server.application.test(.router) { client in try await consentedSession(client, server: server) }
        let token = auth[.authorization]!.replacingOccurrences(of: "Bearer ", with: "")
        let first = Conversation()
        let second = Conversation()
        try await server.application.test(.live) { client in
            try await client.ws(try await server.ticketPath(client, sessionId: sessionId, token: token)) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                for (time, frame) in frames {
                    try await outbound.write(.text(frameMessage(frame, timestamp: time)))
                    try await reader.collect(into: first) { $0["type"] as? String == "analysis" }
                }
                try await outbound.write(.text(#"{"type":"end"}"#))
                try await reader.collect(into: first) { $0["type"] as? String == "session_ended" }
            }
            try await client.ws(try await server.ticketPath(client, sessionId: sessionId, token: token)) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                try await outbound.write(.text(frameMessage(frames[0].1, timestamp: 0)))
                try await reader.collect(into: second) { $0["type"] as? String == "analysis" }
                try await outbound.write(.text(#"{"type":"end"}"#))
                try await reader.collect(into: second) { $0["type"] as? String == "session_ended" }
            }
        }
        let calibrated = first.ofType("analysis").map { ($0["timestamp"] as? Double ?? -1, $0[path: "gaze", "eyes", "calibrated"] as? Bool ?? false) }
        #expect(calibrated.count == frames.count)
        #expect(calibrated.allSatisfy { $0.1 == ($0.0 >= 3) }, "\(calibrated)")
        let stored = try #require(try await server.services.recordings.gazeCalibration(sessionId: sessionId))
        #expect(stored.calibration.source == .automatic && stored.calibration.frames == 7)
        #expect(try await server.services.recordings.milestones(sessionId: sessionId).filter { $0.kind == .gazeCalibrated }.count == 1)
        let resumed = try #require(second.ofType("analysis").first)
        #expect(resumed[path: "gaze", "eyes", "calibrated"] as? Bool == true && resumed[path: "gaze", "eyes", "calibration"] as? String == "automatic")
        await server.stop()
    }

    @Test("a recorded chunk with the sideways glance yields an eyes_off_screen finding with evidence; the pipeline info describes the method")
    func recordedChunk() async throws {
        let server = try await TestServer.make(configure: quickRecording)
        let chunk = try await ChunkFactory.make(Self.clip, seconds: 12)
        let sessionId = try await server.application.test(.router) { client in
            let (id, auth) = try await consentedSession(client, server: server)
            try await client.execute(
                uri: "/api/sessions/\(id)/chunks/0", method: .put, headers: auth + [.init("X-Chunk-SHA256")!: sha256(chunk)],
                body: ByteBuffer(bytes: chunk)
            ) { response in
                #expect(response.status == .created)
            }
            try await client.execute(uri: "/api/sessions/\(id)/end", method: .post, headers: auth, body: ByteBuffer(string: #"{"last_index":0}"#)) { response in
                #expect(response.status == .accepted)
            }
            try await client.execute(uri: "/ws/pipeline/info", method: .get, headers: server.headers(.proctor)) { response in
                let body = json(response)
                #expect(body[path: "detectors", "eyes", "model"] as? String == "iris_landmark.onnx")
                #expect(body[path: "detectors", "eyes", "off_screen_seconds"] as? Double == 1.5)
                #expect(body[path: "detectors", "eyes", "risk_weight"] as? Double == 15)
                #expect(body[path: "pipeline", "gaze", "eyes", "calibration_seconds"] as? Double == 3)
                #expect(body[path: "pipeline", "risk_scorer", "weights", "eyes_off_screen"] as? Double == 15)
            }
            return id
        }
        try await drain(try await worker(for: server), session: sessionId, store: server.services.recordings)
        let findings = try await server.services.findings.findings(sessionId: sessionId)
        let chunks = try await server.services.recordings.chunks(sessionId: sessionId)
        #expect(chunks.map(\.status) == [.merged] || chunks.map(\.status) == [.processed], "\(chunks)")
        print("recorded gaze chunk: \(findings.map { "\($0.type.rawValue) \($0.chunkStart ?? -1)-\($0.chunkEnd ?? -1) s, \($0.frames) frames" })")
        let eyes = try #require(findings.first { $0.type == .eyesOffScreen })
        #expect(findings.filter { $0.type == .eyesOffScreen }.count == 1)
        // The glance is labelled 5-10 s at 0.5-1 s resolution; the finding opens once it has lasted 1.5 s
        // and closes after the hysteresis and the event gap, on a VP8 encoding that differs run to run
        // (ends seen: 10.0, 10.5 and 11.5 s).
        #expect((6...8.5).contains(eyes.chunkStart ?? 0) && (9...12).contains(eyes.chunkEnd ?? 0), "\(eyes)")
        #expect(eyes.duration >= 1 && eyes.severity == 15 && eyes.evidenceKey != nil)
        #expect(!findings.contains { $0.type == .lookingAway })
        // The chunk calibrated itself and, with nothing stored, left its calibration for the later chunks.
        #expect(try await server.services.recordings.gazeCalibration(sessionId: sessionId)?.calibration.source == .automatic)
        await server.stop()
    }
}
