import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ProctorCore
import ProctorRecording
import Testing

@testable import ProctorServer

/// One error shape for every error the server sends, and blobs read and written through the store.
@Suite("Error envelope and blobs")
struct ErrorEnvelopeTests {
    /// The envelope's fields, exactly.
    func envelope(_ response: TestResponse) throws -> (code: String, message: String) {
        let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any], "not JSON")
        #expect(body["type"] as? String == "error")
        #expect(body["error"] == nil)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        return (try #require(body["code"] as? String), try #require(body["message"] as? String))
    }

    @Test("router, Hummingbird, decoding and handler errors all answer {type, code, message}")
    func everyErrorOneShape() async throws {
        let server = try await TestServer.make(withModels: false)
        try await server.application.test(.router) { client in
            let cases: [(String, HTTPRequest.Method, String?, HTTPResponse.Status, String)] = [
                ("/no/such/route", .get, nil, .notFound, "not_found"),
                ("/api/sessions/nope", .get, nil, .notFound, "not_found"),
                ("/api/sessions", .post, "{not json", .badRequest, "invalid_json"),
                ("/api/sessions", .post, #"{"exam_id":"e"}"#, .badRequest, "invalid_json"),
                ("/api/sessions", .post, #"{"exam_id":"","candidate_id":"c"}"#, .badRequest, "invalid_field"),
                ("/api/dashboard/sessions?status=weird", .get, nil, .badRequest, "invalid_field"),
                ("/api/sessions/nope/report?format=pdf", .get, nil, .notFound, "not_found"),
            ]
            for (uri, method, body, status, code) in cases {
                try await client.execute(uri: uri, method: method, headers: server.admin, body: body.map { ByteBuffer(string: $0) }) { response in
                    #expect(response.status == status, "\(method) \(uri)")
                    let found = try envelope(response)
                    #expect(found.code == code, "\(method) \(uri): \(found.message)")
                }
            }
            // Without a login.
            try await client.execute(uri: "/api/sessions", method: .get) { response in
                #expect(response.status == .unauthorized)
                let found = try envelope(response)
                #expect(found.code == "login_required")
            }
        }
        await server.stop()
    }

    /// Over a real socket a refused handshake is upgraded, told why and closed with 1008: that is
    /// checked with a real WebSocket client in Tests/Contract/contract_test.py (every refusal case).
    @Test("a refused live handshake over plain HTTP gets its status with the envelope; an allowed caller without an upgrade gets 426")
    func refusedHandshakes() async throws {
        let server = try await TestServer.make()
        try await server.application.test(.router) { client in
            let refused = try await client.executeRequest(uri: "/ws/any?token=garbage", method: .get, headers: [:], body: nil)
            #expect(refused.status == .unauthorized)
            #expect(try envelope(refused).code == "token_in_url")
            let badTicket = try await client.executeRequest(uri: "/ws/any?ticket=garbage", method: .get, headers: [:], body: nil)
            #expect(badTicket.status == .unauthorized)
            #expect(try envelope(badTicket).code == "invalid_ticket")
            let badId = try await client.executeRequest(uri: "/ws/bad%20id", method: .get, headers: server.admin, body: nil)
            #expect(badId.status == .badRequest)
            #expect(try envelope(badId).code == "invalid_session_id")
            let plain = try await client.executeRequest(uri: server.live("any"), method: .get, headers: server.admin, body: nil)
            #expect(plain.status == .upgradeRequired)
            #expect(try envelope(plain).code == "upgrade_required")
        }
        await server.stop()
    }

    @Test("every error code is snake_case and unique, and HTTP statuses map to codes")
    func codes() {
        let values = ErrorCode.allCases.map(\.rawValue)
        #expect(Set(values).count == values.count)
        #expect(values.filter { !$0.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" } }.isEmpty, "\(values)")
        #expect(ErrorCode(status: 404) == .notFound)
        #expect(ErrorCode(status: 405) == .methodNotAllowed)
        #expect(ErrorCode(status: 413) == .tooLarge)
        #expect(ErrorCode(status: 502) == .internalError)
    }

    @Test("the file blob store writes, reads whole and in ranges, and the old live evidence moves into it")
    func blobs() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let blobs = try FileBlobStore(root: folder.appendingPathComponent("blobs"))
        var pattern = [UInt8](repeating: 0, count: 700_000)
        for index in pattern.indices { pattern[index] = UInt8(index % 251) }
        let bytes = Data(pattern)
        try await blobs.write("sessions/s1/master.webm", data: bytes)
        #expect(try await blobs.data("sessions/s1/master.webm") == bytes)
        #expect(try await blobs.data("sessions/s1/none.webm") == nil)
        for range in [0...0, 10...262_200, 600_000...699_999, 699_999...800_000] {
            var read = Data()
            try await blobs.read("sessions/s1/master.webm", range: range) { read.append(contentsOf: $0.readableBytesView) }
            #expect(read == bytes[range.lowerBound...min(range.upperBound, bytes.count - 1)], "\(range)")
        }
        await #expect(throws: BlobError.self) { try await blobs.read("sessions/s1/none.webm", range: nil) { _ in } }
        await #expect(throws: BlobError.self) { try await blobs.write("../escape", data: bytes) }

        let legacy = folder.appendingPathComponent("evidence/s2")
        try FileManager.default.createDirectory(at: legacy, withIntermediateDirectories: true)
        try Data([0xFF, 0xD8]).write(to: legacy.appendingPathComponent("v1.jpg"))
        #expect(try await LegacyEvidenceMover.move(dataDirectory: folder, into: blobs) == 1)
        #expect(try await blobs.data(BlobKeys.evidence("s2", "v1")) == Data([0xFF, 0xD8]))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("evidence").path))
        #expect(try await LegacyEvidenceMover.move(dataDirectory: folder, into: blobs) == 0)
    }
}
