import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import NIOCore
import ProctorCore
import ProctorServer
import ProctorStore
import ProctorVision
import Testing

@Suite("Poor lighting, live and recorded", .serialized, .timeLimit(.minutes(3)))
struct LivePoorLightingTests {
    /// A candidate's frame and an empty room, both as a camera in a dark room gives them: 12 % of
    /// the light with sensor noise.
    static func dark(_ relative: String) throws -> [UInt8] {
        let image = try Image.decode(try ServerTestEnvironment.bytes(relative))
        return try image.simulatingLight(LightRecipe(name: "very dark", scale: 0.12, noise: 4), seed: 3).jpegData(quality: 90)
    }

    @Test("dark frames raise poor_lighting (weight 0, first, so the candidate is told) and a half-weight no_face that says why")
    func darkFrames() async throws {
        let data = try ServerTestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let darkFace = try Self.dark("head_pose/aflw2000_image00050.jpg")
        let darkRoom = try Self.dark("no_face/nyu_empty_classroom.jpg")
        let first = try await TestServer.make(dataDirectory: data)
        let conversation = Conversation()
        try await first.application.test(.live) { client in
            try await client.ws(first.live("dark-room"), configuration: first.liveConfiguration) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                for i in 0..<6 {
                    try await outbound.write(.text(frameMessage(i < 2 ? darkFace : darkRoom, timestamp: Double(i) * 0.5)))
                    try await reader.collect(into: conversation) { $0["type"] as? String == "analysis" }
                }
                try await outbound.write(.text(#"{"type":"end"}"#))
                try await reader.collect(into: Conversation()) { $0["type"] as? String == "session_ended" }
            }
        }
        await first.stop()
        let analyses = conversation.ofType("analysis")
        #expect(analyses.count == 6)
        for analysis in analyses {
            let violations = try #require(analysis[path: "risk", "details", "violations"] as? [[String: Any]])
            // The notice the candidate sees is the first violation's advice: poor lighting, not "no face".
            #expect(violations.first?["kind"] as? String == "poor_lighting")
            #expect(violations.first?["points"] as? Double == 0)
            if let noFace = violations.first(where: { $0["kind"] as? String == "no_face" }) {
                #expect(noFace["points"] as? Double == 10)
            }
            #expect(analysis[path: "metadata", "preprocessing", "light", "condition"] as? String == "poor")
            #expect(analysis[path: "metadata", "preprocessing", "light", "adapted"] as? Bool == true)
        }
        // The empty room's frames have no face: a no_face at half weight, never the full 20.
        let roomRisks = analyses.suffix(4).compactMap { $0[path: "risk", "risk_score"] as? Double }
        #expect(roomRisks.count == 4 && roomRisks.allSatisfy { $0 <= 10 })

        let second = try await TestServer.make(dataDirectory: data)
        try await second.application.test(.router) { client in
            try await client.execute(uri: "/api/sessions/dark-room/events", method: .get, headers: second.admin) { response in
                #expect(response.status == .ok)
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                let events = try #require(body["events"] as? [[String: Any]])
                let lighting = try #require(events.first { $0["type"] as? String == "poor_lighting" })
                #expect(lighting["severity"] as? Double == 0)
                let noFace = try #require(events.first { $0["type"] as? String == "no_face" })
                #expect(noFace["severity"] as? Double == 10)
                #expect(noFace[path: "details", "poor_lighting"] as? Bool == true)
            }
        }
        await second.stop()
    }

    @Test("a recorded chunk of a dark empty room: a poor_lighting finding of severity 0 and a no_face that says so, at half severity")
    func recordedDarkChunk() async throws {
        let server = try await TestServer.make(configure: quickRecording)
        // 12 % of the light with temporal noise, as a webcam in a dark room records it.
        let chunk = try await ChunkFactory.make(
            "no_face/nyu_empty_classroom.jpg", seconds: 4, still: true, filter: "colorlevels=romax=0.12:gomax=0.12:bomax=0.12,noise=alls=6:allf=t")
        let sessionId = try await server.application.test(.router) { client in
            let id = try await client.execute(
                uri: "/api/sessions", method: .post, headers: server.admin,
                body: ByteBuffer(string: #"{"exam_id":"dark-1","candidate_id":"c-dark","chunk_seconds":4}"#)
            ) { json($0) }
            let sessionId = try #require(id["id"] as? String)
            let auth: HTTPFields = [.authorization: "Bearer \(try #require(id["upload_token"] as? String))"]
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/consent", method: .post, headers: auth,
                body: ByteBuffer(string: #"{"notice_version":"2026-11","items":["webcam_frames","video_chunks","reference_photo","microphone"]}"#)
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/chunks/0", method: .put, headers: auth + [.init("X-Chunk-SHA256")!: sha256(chunk)],
                body: ByteBuffer(bytes: chunk)
            ) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/sessions/\(sessionId)/end", method: .post, headers: auth, body: ByteBuffer(string: #"{"last_index":0}"#)) {
                #expect($0.status == .accepted)
            }
            return sessionId
        }
        try await drain(try await worker(for: server), session: sessionId, store: server.services.recordings)
        let findings = try await server.services.findings.findings(sessionId: sessionId)
        print("recorded dark chunk: \(findings.map { "\($0.type.rawValue) severity \($0.severity) \($0.details.poorLighting.map(String.init) ?? "-")" })")
        let lighting = try #require(findings.first { $0.type == .poorLighting })
        #expect(lighting.source == .recorded && lighting.severity == 0)
        let noFace = try #require(findings.first { $0.type == .noFace })
        #expect(noFace.details.poorLighting == true && noFace.severity == 10)
        await server.stop()
    }

    @Test("the reference photo check refuses a dark photo with the same calm words")
    func darkReference() throws {
        // The rule the route applies (ReferenceCheck): a poorly lit frame is too dark, whatever was found.
        let problem = ReferencePhotoRules(ProctorConfiguration().recording).problem(
            faces: 1, faceSide: 120, brightness: 20, sharpness: 40, lightCondition: .poor)
        #expect(problem?.code == "too_dark")
        #expect(problem?.message == "It is too dark for the camera: please add light in front of you.")
        let sdk = try String(contentsOf: ServerTestEnvironment.checkout.appendingPathComponent("Sources/ProctorServer/Web/sdk/v1/sdk.js"), encoding: .utf8)
        #expect(sdk.contains("poor_lighting: 'It is too dark for the camera: please add light in front of you.'"))
    }
}
