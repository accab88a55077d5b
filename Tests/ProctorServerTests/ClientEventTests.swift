import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import NIOCore
import ProctorCore
import ProctorStore
import Testing

@testable import ProctorServer

/// What the exam page reports about itself: validated, stored once as browser findings or
/// milestones, acknowledged, and shown in review.
@Suite("Client events", .serialized, .timeLimit(.minutes(2)))
struct ClientEventTests {
    struct Session {
        let id: String
        let token: String
    }

    func consentedSession(_ client: some TestClientProtocol, server: TestServer) async throws -> Session {
        let session = try await client.execute(
            uri: "/api/sessions", method: .post, headers: server.admin,
            body: ByteBuffer(string: #"{"exam_id":"e-1","candidate_id":"carol"}"#)
        ) { response in
            Session(id: json(response)["id"] as? String ?? "", token: json(response)["upload_token"] as? String ?? "")
        }
        try await client.execute(
            uri: "/api/sessions/\(session.id)/consent", method: .post, headers: [.authorization: "Bearer \(session.token)"],
            body: ByteBuffer(
                string: #"{"notice_version":"2026-12","items":["webcam_frames","video_chunks","reference_photo","browser_activity","microphone"]}"#)
        ) { response in
            #expect(response.status == .ok)
        }
        return session
    }

    func event(_ id: String, _ kind: String, secondsAgo: Double = 30, duration: Double? = nil, extra: String = "") -> String {
        let at = Int((Date().timeIntervalSince1970 - secondsAgo) * 1000)
        return #"{"type":"client_event","id":"\#(id)","event":"\#(kind)","at":\#(at)\#(duration.map { ",\"duration_ms\":\(Int($0))" } ?? "")\#(extra)}"#
    }

    @Test("over the live WebSocket: acknowledged once, idempotent when sent again, bad ones refused with the socket kept open")
    func liveEvents() async throws {
        let server = try await TestServer.make()
        let conversation = Conversation()
        let session = try await server.application.test(.live) { client -> Session in
            let created = try await consentedSession(client, server: server)
            let bigDetails = #","details":{"blob":""# + String(repeating: "x", count: 1_000_000) + #""}"#
            try await client.ws(try await server.ticketPath(client, sessionId: created.id, token: created.token)) { inbound, outbound, _ in
                let reader = InboundReader(inbound)
                try await outbound.write(.text(event("tab-1", "tab_hidden", secondsAgo: 40, duration: 12_000)))
                try await outbound.write(.text(event("tab-1", "tab_hidden", secondsAgo: 40, duration: 12_000)))  // a resend after a reconnect
                try await outbound.write(.text(event("paste-1", "clipboard", extra: #","details":{"action":"paste","length":120,"text":"never kept"}"#)))
                try await outbound.write(.text(event("blur-1", "window_blur", duration: 800)))
                try await outbound.write(.text(event("cam-1", "camera_restored", duration: 5_000)))
                try await outbound.write(.text(event("bad-1", "telepathy")))
                try await outbound.write(.text(event("bad-2", "tab_hidden", duration: -5)))
                try await outbound.write(.text(event("bad-3", "tab_hidden", duration: 10 * 86_400_000)))
                try await outbound.write(.text(event("bad-4", "clipboard", extra: bigDetails)))
                try await outbound.write(.text(event("bad-5", "tab_hidden", secondsAgo: 3 * 86_400)))
                try await outbound.write(.text(#"{"type":"client_event","event":"tab_hidden","at":1}"#))
                try await outbound.write(.text(#"{"type":"ping"}"#))
                try await reader.collect(into: conversation) { $0["type"] as? String == "pong" }
                try await outbound.write(.text(#"{"type":"end"}"#))
                try await reader.collect(into: conversation) { $0["type"] as? String == "session_ended" }
            }
            return created
        }
        let acks = conversation.ofType("client_event_ack")
        #expect(acks.compactMap { $0["id"] as? String } == ["tab-1", "tab-1", "paste-1", "blur-1", "cam-1"])
        #expect(acks.first?["notice"] as? String == "You left the exam tab for 12 s; this has been noted.")
        #expect(acks[1]["notice"] == nil, "a duplicate is not announced again")
        let errors = conversation.ofType("error")
        #expect(errors.compactMap { $0["id"] as? String } == ["bad-1", "bad-2", "bad-3", "bad-4", "bad-5"], "even an unknown kind is refused by its id")
        #expect(errors.allSatisfy { $0["code"] as? String == "invalid_field" || $0["code"] as? String == "missing_field" })
        #expect(errors.count == 6, "\(errors)")
        #expect(conversation.ofType("pong").count == 1)

        let id = session.id
        let findings = try await server.services.findings.findings(sessionId: id).filter { $0.source == .browser }
        #expect(Set(findings.map(\.type)) == [.tabHidden, .clipboard])
        #expect(findings.count == 2)
        let tab = try #require(findings.first { $0.type == .tabHidden })
        #expect(abs(tab.duration - 12) < 0.01 && tab.severity == 25)
        let paste = try #require(findings.first { $0.type == .clipboard })
        #expect(paste.details.action == "paste" && paste.details.textLength == 120)
        let milestones = try await server.services.recordings.milestones(sessionId: id)
        #expect(milestones.filter { $0.kind == .cameraRestored }.count == 1)
        await server.stop()
    }

    @Test("over HTTP and as a beacon: the token in the body, results per event, another session's token refused")
    func restEvents() async throws {
        let server = try await TestServer.make(withModels: false)
        try await server.application.test(.router) { client in
            let own = try await consentedSession(client, server: server)
            let other = try await consentedSession(client, server: server)
            let now = Int(Date().timeIntervalSince1970 * 1000)
            let events =
                #"[{"id":"left-1","event":"page_left","at":\#(now - 1000)},{"id":"x","event":"tab_hidden","at":\#(now),"duration_ms":-1},{"id":"new-1","event":"from_a_newer_sdk","at":\#(now)}]"#
            // A beacon: text/plain, no Authorization header, the token in the body.
            try await client.execute(
                uri: "/api/sessions/\(own.id)/client-events", method: .post, headers: [.contentType: "text/plain;charset=UTF-8"],
                body: ByteBuffer(string: #"{"token":"\#(own.token)","events":\#(events)}"#)
            ) { response in
                #expect(response.status == .ok)
                let results = json(response)["results"] as? [[String: Any]] ?? []
                #expect(results.compactMap { $0["status"] as? String } == ["stored", "refused", "refused"], "a bad event is refused alone")
                #expect(results.last?["id"] as? String == "new-1")
            }
            // The same again: a duplicate.
            try await client.execute(
                uri: "/api/sessions/\(own.id)/client-events", method: .post, headers: [.authorization: "Bearer \(own.token)"],
                body: ByteBuffer(string: #"{"events":\#(events)}"#)
            ) { response in
                let results = json(response)["results"] as? [[String: Any]] ?? []
                #expect(results.first?["status"] as? String == "duplicate")
            }
            // Forged: another session's invitation, or none.
            for headers: HTTPFields in [[.authorization: "Bearer \(other.token)"], [:]] {
                try await client.execute(
                    uri: "/api/sessions/\(own.id)/client-events", method: .post, headers: headers,
                    body: ByteBuffer(string: #"{"events":\#(events)}"#)
                ) { response in
                    #expect(response.status == .forbidden || response.status == .unauthorized)
                }
            }
            try await client.execute(
                uri: "/api/sessions/\(own.id)/client-events", method: .post, headers: [.authorization: "Bearer \(own.token)"],
                body: ByteBuffer(string: "not json")
            ) { response in
                #expect(response.status == .badRequest)
                #expect(json(response)["code"] as? String == "invalid_json")
            }
            // The review lists it as a browser finding.
            try await client.execute(uri: "/api/sessions/\(own.id)/events", method: .get, headers: server.admin) { response in
                let events = json(response)["events"] as? [[String: Any]] ?? []
                #expect(events.contains { $0["source"] as? String == "browser" && $0["type"] as? String == "page_left" })
            }
        }
        #expect(try await server.services.findings.findings(sessionId: "none").isEmpty)
        await server.stop()
    }
}
