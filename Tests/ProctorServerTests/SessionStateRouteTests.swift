import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ProctorServer

@Suite("Dashboard states")
struct SessionStateRouteTests {
    @Test("an unopened invitation is invited with no duration; after consent it is waiting")
    func invitedThenWaiting() async throws {
        let server = try await TestServer.make(withModels: false)
        try await server.application.test(.router) { client in
            let (sessionId, token) = try await client.execute(
                uri: "/api/sessions", method: .post, headers: server.admin,
                body: ByteBuffer(string: #"{"exam_id":"state-1","candidate_id":"s-1"}"#)
            ) { response in
                #expect(response.status == .created)
                let body = json(response)
                return (body["id"] as? String ?? "", body["upload_token"] as? String ?? "")
            }
            func row() async throws -> [String: Any]? {
                try await client.execute(uri: "/api/dashboard/sessions?q=s-1", method: .get, headers: server.admin) { response in
                    (json(response)["sessions"] as? [[String: Any]])?.first { $0["id"] as? String == sessionId }
                }
            }
            let invited = try #require(try await row())
            #expect(invited["state"] as? String == "invited")
            #expect(invited["duration"] is NSNull, "nothing streamed yet: no duration, not 0:00")
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/consent", method: .post, headers: [.authorization: "Bearer \(token)"],
                body: ByteBuffer(string: #"{"notice_version":"2026-11","items":["webcam_frames","video_chunks","reference_photo","microphone"]}"#)
            ) { response in
                #expect(response.status == .ok)
            }
            let waiting = try #require(try await row())
            #expect(waiting["state"] as? String == "waiting")
            try await client.execute(uri: "/api/sessions/\(sessionId)/end", method: .post, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .accepted)
            }
            // Ended with no video piece: nothing to process.
            #expect(try await row()?["state"] as? String == "ended")
        }
        await server.stop()
    }
}
