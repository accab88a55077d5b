import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import NIOCore
import NIOWebSocket
import ProctorServer
import Testing

@Suite("Live WebSocket", .serialized, .timeLimit(.minutes(2)))
struct LiveWebSocketTests {
    let face = try! ServerTestEnvironment.bytes("head_pose/aflw2000_image00050.jpg")
    let emptyRoom = try! ServerTestEnvironment.bytes("no_face/nyu_empty_classroom.jpg")
    let group = try! ServerTestEnvironment.bytes("objects_people/unsplash_three_business_people.jpg")

    @Test("welcome, then one analysis per frame in the exact schema")
    func roundTrip() async throws {
        let server = try await TestServer.make()
        let conversation = Conversation()
        let face = self.face
        try await server.application.test(.live) { client in
            try await client.ws(server.live("candidate-1"), configuration: server.liveConfiguration) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                try await outbound.write(.text(frameMessage(face, timestamp: 0.0)))
                try await outbound.write(.text(#"{"type":"ping"}"#))
                try await reader.collect(into: conversation) { $0["type"] as? String == "pong" }
                try await outbound.write(.text(#"{"type":"end"}"#))
                try await reader.collect(into: conversation) { $0["type"] as? String == "session_ended" }
            }
        }
        let messages = conversation.messages
        #expect(messages.first?["type"] as? String == "welcome")
        #expect(messages.first?["session_id"] as? String == "candidate-1")
        let analyses = conversation.ofType("analysis")
        #expect(analyses.count == 1)
        let analysis = try #require(analyses.first)
        #expect(analysis["session_id"] as? String == "candidate-1")
        #expect(analysis[path: "gaze", "face_detected"] as? Bool == true)
        #expect(analysis[path: "gaze", "landmarks_count"] as? Int == 468)
        #expect(analysis[path: "objects", "person_count"] as? Int == 1)
        #expect(analysis[path: "risk", "alert_level"] as? String == "none")
        #expect(analysis[path: "metadata", "frame_skipped"] as? Bool == false)
        #expect(analysis[path: "metadata", "performance", "processed_frames"] as? Int == 1)
        #expect(analysis[path: "behavior", "window_frames"] as? Int == 1)
        let ended = try #require(conversation.ofType("session_ended").first)
        #expect(ended[path: "summary", "processed_frames"] as? Int == 1)
        await server.stop()
    }

    @Test("every kind of bad input gets an error reply and the connection stays open")
    func badInput() async throws {
        let server = try await TestServer.make { $0.server.maxFrameBytes = 200_000 }
        let conversation = Conversation()
        let face = self.face
        let bad: [(String, String)] = [
            ("this is not json", "invalid_json"),
            (#"["a", "list"]"#, "invalid_json"),
            (#"{"hello":"world"}"#, "missing_field"),
            (#"{"type":"dance"}"#, "unknown_type"),
            (#"{"type":"frame"}"#, "missing_field"),
            (#"{"type":"frame","data":"@@@not base64@@@","timestamp":1}"#, "invalid_base64"),
            (#"{"type":"frame","data":"aGVsbG8gd29ybGQ=","timestamp":2}"#, "not_an_image"),
            (#"{"type":"frame","data":"aGVsbG8=","timestamp":"soon"}"#, "invalid_field"),
            (frameMessage([UInt8](repeating: 0xFF, count: 300_000), timestamp: 3), "frame_too_large"),
            // A JPEG header announcing 20000x20000 pixels: refused from the header, no pixel decoded.
            (frameMessage(Self.jpegHeader(width: 20_000, height: 20_000), timestamp: 4), "image_too_large"),
        ]
        try await server.application.test(.live) { client in
            try await client.ws(server.live("bad-input"), configuration: server.liveConfiguration) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                for (message, _) in bad { try await outbound.write(.text(message)) }
                // After all that, a good frame is still analysed.
                try await outbound.write(.text(frameMessage(face, timestamp: 10)))
                try await reader.collect(into: conversation) { $0["type"] as? String == "analysis" }
            }
        }
        let codes = conversation.ofType("error").compactMap { $0["code"] as? String }
        #expect(codes.sorted() == bad.map(\.1).sorted())
        let errors = conversation.ofType("error")
        #expect(errors.allSatisfy { !($0["message"] as? String ?? "").isEmpty })
        #expect(conversation.ofType("analysis").count == 1)
        await server.stop()
    }

    /// The smallest JPEG whose frame header gives a size: SOI, APP0, SOF0, EOI.
    static func jpegHeader(width: Int, height: Int) -> [UInt8] {
        [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08]
            + [UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 0x03]
            + [UInt8](repeating: 0, count: 12) + [0xFF, 0xD9]
    }

    @Test("raw JPEG in a binary message is analysed")
    func binaryFrame() async throws {
        let server = try await TestServer.make()
        let conversation = Conversation()
        let face = self.face
        try await server.application.test(.live) { client in
            try await client.ws(server.live("binary"), configuration: server.liveConfiguration) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                try await outbound.write(.binary(ByteBuffer(bytes: face)))
                try await reader.collect(into: conversation) { $0["type"] as? String == "analysis" }
            }
        }
        #expect(conversation.ofType("analysis").first?[path: "gaze", "face_detected"] as? Bool == true)
        await server.stop()
    }

    @Test("frames beyond the rate limit are refused with rate_limited")
    func rateLimit() async throws {
        let server = try await TestServer.make { $0.server.maxClientFps = 3 }
        let conversation = Conversation()
        let face = self.face
        try await server.application.test(.live) { client in
            try await client.ws(server.live("rate"), configuration: server.liveConfiguration) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                for i in 0..<8 { try await outbound.write(.text(frameMessage(face, timestamp: Double(i) * 0.01))) }
                try await outbound.write(.text(#"{"type":"end"}"#))
                try await reader.collect(into: conversation) { $0["type"] as? String == "session_ended" }
            }
        }
        let limited = conversation.ofType("error").filter { $0["code"] as? String == "rate_limited" }
        #expect(limited.count == 5)
        let analysed = conversation.ofType("analysis").count
        #expect(analysed >= 1 && analysed <= 3)
        await server.stop()
    }

    @Test("a client that keeps sending garbage is closed with a policy violation")
    func abusiveClient() async throws {
        let server = try await TestServer.make { $0.server.maxErrors = 5 }
        let conversation = Conversation()
        let close = try await server.application.test(.live) { client in
            try await client.ws(server.live("abuser"), configuration: server.liveConfiguration) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                for _ in 0..<20 { try? await outbound.write(.text("garbage")) }
                try await reader.collect(into: conversation) { _ in false }
            }
        }
        #expect(close?.closeCode == .policyViolation)
        #expect(conversation.ofType("error").count == 6)
        await server.stop()
    }

    @Test("an invalid session id is refused before the upgrade, with the error object")
    func invalidSessionId() async throws {
        let server = try await TestServer.make()
        try await server.application.test(.router) { client in
            for id in [String(repeating: "a", count: 200), "bad%20id", ".hidden"] {
                try await client.execute(uri: "/ws/\(id)", method: .get, headers: server.admin) { response in
                    #expect(response.status == .badRequest, "\(id)")
                    let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                    #expect(body?["type"] as? String == "error")
                    #expect(body?["code"] as? String == "invalid_session_id")
                }
            }
        }
        await server.stop()
    }

    @Test("without models the upgrade is refused with 503")
    func modelsUnavailable() async throws {
        let server = try await TestServer.make(withModels: false)
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/ws/candidate", method: .get, headers: server.admin) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("models_unavailable"))
            }
        }
        await server.stop()
    }

    @Test("a reconnect replaces the session's old connection")
    func reconnect() async throws {
        let server = try await TestServer.make()
        let second = Conversation()
        let face = self.face
        let firstClose: WebSocketCloseFrame? = try await server.application.test(.live) { client in
            let first = Task {
                try await client.ws(server.live("rejoin"), configuration: server.liveConfiguration) { inbound, _, _ in
                    let reader = InboundReader(inbound)
                    try await reader.collect(into: Conversation()) { _ in false }
                }
            }
            // The first connection is registered once its welcome has been sent.
            while await server.services.registry.count == 0 { try await Task.sleep(for: .milliseconds(20)) }
            try await client.ws(server.live("rejoin"), configuration: server.liveConfiguration) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                try await outbound.write(.text(frameMessage(face, timestamp: 0)))
                try await reader.collect(into: second) { $0["type"] as? String == "analysis" }
                #expect(await server.services.registry.count == 1)
                try await outbound.write(.text(#"{"type":"end"}"#))
                try await reader.collect(into: second) { $0["type"] as? String == "session_ended" }
            }
            return try await first.value
        }
        #expect(firstClose?.closeCode == .goingAway)
        #expect(second.ofType("welcome").count == 1 && second.ofType("analysis").count == 1)
        await server.stop()
        // The replaced connection did not mark the session as disconnected.
        #expect(try await server.services.store.session("rejoin")?.session.status == .completed)
    }

    @Test("concurrent sessions are analysed independently")
    func isolation() async throws {
        let server = try await TestServer.make()
        let first = Conversation()
        let second = Conversation()
        let face = self.face
        let emptyRoom = self.emptyRoom
        try await server.application.test(.live) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await client.ws(server.live("alice"), configuration: server.liveConfiguration) { inbound, outbound, _ in
                        let reader = InboundReader(inbound)
                        for i in 0..<3 { try await outbound.write(.text(frameMessage(face, timestamp: Double(i)))) }
                        try await outbound.write(.text(#"{"type":"end"}"#))
                        try await reader.collect(into: first) { $0["type"] as? String == "session_ended" }
                    }
                }
                group.addTask {
                    try await client.ws(server.live("bob"), configuration: server.liveConfiguration) { inbound, outbound, _ in
                        let reader = InboundReader(inbound)
                        for i in 0..<3 { try await outbound.write(.text(frameMessage(emptyRoom, timestamp: Double(i)))) }
                        try await outbound.write(.text(#"{"type":"end"}"#))
                        try await reader.collect(into: second) { $0["type"] as? String == "session_ended" }
                    }
                }
                try await group.waitForAll()
            }
        }
        let alice = first.ofType("analysis")
        let bob = second.ofType("analysis")
        #expect(!alice.isEmpty && !bob.isEmpty)
        #expect(alice.allSatisfy { $0["session_id"] as? String == "alice" && $0[path: "gaze", "face_detected"] as? Bool == true })
        #expect(bob.allSatisfy { $0["session_id"] as? String == "bob" && $0[path: "gaze", "face_detected"] as? Bool == false })
        await server.stop()
    }

    @Test("violations, summary and evidence survive a restart")
    func persistence() async throws {
        let data = try ServerTestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let first = try await TestServer.make(dataDirectory: data)
        let group = self.group
        let face = self.face
        try await first.application.test(.live) { client in
            try await client.ws(first.live("exam-42"), configuration: first.liveConfiguration) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                // Three people for a while, then the candidate alone; one frame at a time, like a paced client.
                let conversation = Conversation()
                for i in 0..<6 {
                    try await outbound.write(.text(frameMessage(i < 4 ? group : face, timestamp: Double(i) * 0.5)))
                    try await reader.collect(into: conversation) { $0["type"] as? String == "analysis" }
                }
                try await outbound.write(.text(#"{"type":"end"}"#))
                try await reader.collect(into: Conversation()) { $0["type"] as? String == "session_ended" }
            }
        }
        await first.stop()

        let second = try await TestServer.make(dataDirectory: data)
        try await second.application.test(.router) { client in
            var evidenceURL: String?
            try await client.execute(uri: "/api/sessions/exam-42", method: .get, headers: second.admin) { response in
                #expect(response.status == .ok)
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                #expect(body["status"] as? String == "completed")
                #expect((body["detections"] as? Int ?? 0) >= 2)
                let violations = try #require(body["violations"] as? [[String: Any]])
                let multiple = try #require(violations.first { $0["type"] as? String == "multiple_people" })
                #expect(multiple["start"] as? Double == 0)
                #expect((multiple["end"] as? Double ?? 0) >= 1.0)
                evidenceURL = multiple["evidence_url"] as? String
                #expect(body[path: "summary", "violation_count"] as? Int ?? 0 >= 1)
                #expect((body[path: "summary", "max_risk"] as? Double ?? 0) >= 40)
            }
            let url = try #require(evidenceURL)
            try await client.execute(uri: url, method: .get, headers: second.admin) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/jpeg")
                #expect(Array(response.body.readableBytesView.prefix(2)) == [0xFF, 0xD8])
            }
            try await client.execute(uri: "/api/sessions", method: .get, headers: second.admin) { response in
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                #expect((body["sessions"] as? [[String: Any]])?.first?["session_id"] as? String == "exam-42")
            }
        }
        await second.stop()
    }
}
