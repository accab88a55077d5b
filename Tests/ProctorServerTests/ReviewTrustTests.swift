import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import NIOCore
import ProctorCore
import ProctorServer
import ProctorStore
import Testing

/// What a reviewer relies on: one incident is one finding across chunk boundaries, overlapping
/// findings are one incident, confidences that vary, and the live path checks identity.
@Suite("Review a proctor can trust", .serialized, .timeLimit(.minutes(5)))
struct ReviewTrustTests {
    /// A session created by staff, consented by the candidate, with the candidate's reference photo
    /// enrolled (a frame of the dev webcam clip): its id and the candidate's token.
    func enrolledSession(_ client: some TestClientProtocol, _ server: TestServer, chunkSeconds: Int = 20) async throws -> (id: String, token: String) {
        let reference = try await ChunkFactory.frame("video/webcam_gaze_center_left_center.mp4", at: 1)
        let (id, token) = try await client.execute(
            uri: "/api/sessions", method: .post, headers: server.admin,
            body: ByteBuffer(string: #"{"exam_id":"e","candidate_id":"c","chunk_seconds":\#(chunkSeconds)}"#)
        ) { response in
            (json(response)["id"] as? String ?? "", json(response)["upload_token"] as? String ?? "")
        }
        let auth: HTTPFields = [.authorization: "Bearer \(token)"]
        try await client.execute(
            uri: "/api/sessions/\(id)/consent", method: .post, headers: auth,
            body: ByteBuffer(string: #"{"notice_version":"2026-11","items":["webcam_frames","video_chunks","reference_photo","microphone"]}"#)
        ) { #expect($0.status == .ok) }
        try await client.execute(uri: "/api/sessions/\(id)/reference", method: .post, headers: auth, body: ByteBuffer(bytes: reference)) {
            #expect($0.status == .ok)
        }
        return (id, token)
    }

    /// A recorded session, enrolled, then `chunks` uploaded and processed to the end.
    func recordedSession(_ server: TestServer, chunks: [[UInt8]], chunkSeconds: Int) async throws -> String {
        let id: String = try await server.application.test(.router) { client in
            let (id, token) = try await enrolledSession(client, server, chunkSeconds: chunkSeconds)
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            for (index, chunk) in chunks.enumerated() {
                try await client.execute(
                    uri: "/api/sessions/\(id)/chunks/\(index)", method: .put, headers: auth + [.init("X-Chunk-SHA256")!: sha256(chunk)],
                    body: ByteBuffer(bytes: chunk)
                ) { #expect($0.status == .created) }
            }
            try await client.execute(
                uri: "/api/sessions/\(id)/end", method: .post, headers: auth, body: ByteBuffer(string: #"{"last_index":\#(chunks.count - 1)}"#)
            ) { #expect($0.status == .accepted) }
            return id
        }
        try await drain(try await worker(for: server), session: id, store: server.services.recordings)
        return id
    }

    @Test("strangers in view across a chunk boundary: one incident of two findings, each one span across the boundary, decided at once")
    func incidentAcrossChunks() async throws {
        let server = try await TestServer.make(configure: quickRecording)
        // The candidate for 3 s, then three other people for 6 s across the boundary at 6 s, then the candidate.
        let candidate = try await ChunkFactory.make("video/webcam_gaze_center_left_center.mp4", seconds: 3)
        let group = try await ChunkFactory.make("objects_people/unsplash_three_business_people.jpg", seconds: 3, still: true)
        let back = try await ChunkFactory.make("video/webcam_gaze_center_left_center.mp4", seconds: 3, start: 3)
        let id = try await recordedSession(server, chunks: [candidate, group, group, back], chunkSeconds: 3)
        try await server.application.test(.router) { client in
            let list = try await client.execute(uri: "/api/sessions/\(id)/events", method: .get, headers: server.admin) { json($0) }
            let events = list["events"] as? [[String: Any]] ?? []
            print("incident test findings: \(events.map { "\($0["type"]!)@\($0["start"]!)-\($0["end"]!) c=\($0["confidence"]!)" })")
            for kind in ["multiple_people", "identity_mismatch"] {
                let found = events.filter { $0["type"] as? String == kind }
                #expect(found.count == 1, "\(kind): \(found.count) findings")
                let finding = try #require(found.first)
                let start = try #require(finding["start"] as? Double)
                let end = try #require(finding["end"] as? Double)
                #expect(start >= 2.5 && start < 4.5, "\(kind) starts at \(start)")
                #expect(end > 6.5 && end <= 9.5, "\(kind) ends at \(end): one span across the boundary at 6 s")
                #expect(finding[path: "details", "joined_chunks"] as? [Int] == [1, 2])
                let confidence = try #require(finding["confidence"] as? Double)
                #expect(confidence > 0.3 && confidence < 1, "\(kind) confidence \(confidence)")
            }
            let incidents = list["incidents"] as? [[String: Any]] ?? []
            let incident = try #require(incidents.first { Set($0["types"] as? [String] ?? []).isSuperset(of: ["multiple_people", "identity_mismatch"]) })
            let incidentId = try #require(incident["id"] as? String)
            let members = incident["finding_ids"] as? [String] ?? []
            #expect(events.filter { members.contains($0["id"] as? String ?? "") }.allSatisfy { $0["incident_id"] as? String == incidentId })
            #expect(incident["decision"] is NSNull)
            // One decision for the incident, with its note, on every finding of it.
            try await client.execute(
                uri: "/api/sessions/\(id)/incidents/\(incidentId)", method: .patch, headers: server.admin,
                body: ByteBuffer(string: #"{"decision":"confirmed","note":"three other people at the desk"}"#)
            ) { response in
                #expect(response.status == .ok)
                let decided = json(response)["findings"] as? [[String: Any]] ?? []
                #expect(decided.count == members.count)
                #expect(decided.allSatisfy { $0["decision"] as? String == "confirmed" && $0["note"] as? String == "three other people at the desk" })
            }
            try await client.execute(uri: "/api/sessions/\(id)/incidents/incident-none", method: .patch, headers: server.admin, body: ByteBuffer(string: "{}"))
            {
                #expect($0.status == .notFound)
            }
            let review = try await client.execute(uri: "/api/sessions/\(id)/review", method: .get, headers: server.admin) { json($0) }
            let reviewed = (review["incidents"] as? [[String: Any]])?.first { $0["id"] as? String == incidentId }
            #expect(reviewed?["decision"] as? String == "confirmed")
            // The CSV keeps both levels: each finding's row names its incident.
            let csv = try await client.execute(uri: "/api/sessions/\(id)/report?format=csv", method: .get, headers: server.admin) {
                String(buffer: $0.body)
            }
            let lines = csv.split(separator: "\r\n")
            #expect(lines.first?.hasSuffix(",incident_id") == true)
            #expect(lines.filter { $0.hasSuffix("," + incidentId) }.count == members.count)
        }
        await server.stop()
    }

    @Test("live: a reference enrolled from one person, then frames of another, is identity_mismatch within the interval, on the risk and in the findings")
    func liveIdentity() async throws {
        let server = try await TestServer.make(configure: quickRecording)
        let stranger = try ServerTestEnvironment.bytes("head_pose/aflw2000_image00050.jpg")
        let candidate = try await ChunkFactory.frame("video/webcam_gaze_center_left_center.mp4", at: 2)
        let (id, token) = try await server.application.test(.router) { client in try await enrolledSession(client, server) }
        let interval = server.services.configuration.recording.identityIntervalSeconds
        let conversation = Conversation()
        try await server.application.test(.live) { client in
            try await client.ws(try await server.ticketPath(client, sessionId: id, token: token)) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                // The candidate for a second, then someone else for longer than the interval.
                for i in 0..<10 {
                    try await outbound.write(.text(frameMessage(i < 2 ? candidate : stranger, timestamp: Double(i) * 0.5)))
                    try await reader.collect(into: conversation) { $0["type"] as? String == "analysis" }
                }
                try await outbound.write(.text(#"{"type":"end"}"#))
                try await reader.collect(into: Conversation()) { $0["type"] as? String == "session_ended" }
            }
        }
        await server.stop()
        let analyses = conversation.ofType("analysis")
        func kinds(_ analysis: [String: Any]) -> [String] {
            (analysis[path: "risk", "details", "violations"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        }
        // The candidate's own frames match; the stranger is flagged no later than one interval after appearing at 1 s.
        #expect(analyses.prefix(2).allSatisfy { !kinds($0).contains("identity_mismatch") })
        let flagged = analyses.first { kinds($0).contains("identity_mismatch") }
        let at = try #require(flagged?["timestamp"] as? Double)
        #expect(at >= 1 && at <= 1 + interval + 0.01, "identity_mismatch first at \(at) s")
        #expect((flagged?[path: "risk", "risk_score"] as? Double ?? 0) >= 40)
        try await server.application.test(.router) { client in
            let review = try await client.execute(uri: "/api/sessions/\(id)/review", method: .get, headers: server.admin) { json($0) }
            let live = (review["violations"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "identity_mismatch" }
            #expect(live.count == 1)
            let confidence = live.first?["peak_confidence"] as? Double ?? 0
            #expect(confidence > 0 && confidence < 1)
        }
    }

    @Test("live without a reference photo: said once, as a milestone, never a finding")
    func liveWithoutReference() async throws {
        let server = try await TestServer.make()
        let stranger = try ServerTestEnvironment.bytes("head_pose/aflw2000_image00050.jpg")
        try await server.application.test(.live) { client in
            try await client.ws(server.live("no-reference"), configuration: server.liveConfiguration) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                for i in 0..<8 {
                    try await outbound.write(.text(frameMessage(stranger, timestamp: Double(i) * 0.5)))
                    try await reader.collect(into: Conversation()) { $0["type"] as? String == "analysis" }
                }
                try await outbound.write(.text(#"{"type":"end"}"#))
                try await reader.collect(into: Conversation()) { $0["type"] as? String == "session_ended" }
            }
        }
        await server.stop()
        let session = try #require(try await server.services.store.session("no-reference"))
        let milestones = try await server.services.recordings.milestones(sessionId: session.session.id)
        #expect(milestones.filter { $0.kind == .noReference }.count == 1)
        #expect(try await server.services.findings.findings(sessionId: session.session.id).allSatisfy { $0.type != .identityMismatch })
    }
}
