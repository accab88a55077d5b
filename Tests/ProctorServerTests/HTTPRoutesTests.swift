import Foundation
import Hummingbird
import HummingbirdTesting
import ProctorServer
import Testing

@Suite("HTTP routes")
struct HTTPRoutesTests {
    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test("GET / and /health describe the running server")
    func rootAndHealth() async throws {
        let server = try await TestServer.make()
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/", method: .get, headers: server.admin) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["message"] as? String == "AI Proctoring System API")
                #expect(body["status"] as? String == "running")
                #expect(body["version"] as? String == "test")
            }
            try await client.execute(uri: "/health", method: .get, headers: server.admin) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["status"] as? String == "healthy")
            }
        }
        await server.stop()
    }

    @Test("/health is 503 with the reason when models failed to load")
    func unhealthy() async throws {
        let server = try await TestServer.make(withModels: false)
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/health", method: .get, headers: server.admin) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try json(response.body)
                #expect(body["status"] as? String == "unhealthy")
                #expect((body["reason"] as? String ?? "").contains("x.onnx"))
            }
        }
        await server.stop()
    }

    @Test("pipeline info lists detectors, thresholds, weights and the window")
    func pipelineInfo() async throws {
        let server = try await TestServer.make()
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/ws/pipeline/info", method: .get, headers: server.admin) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["window_size"] as? Int == 30)
                #expect(body[path: "detectors", "faces", "model"] as? String == "face_detection_yunet_2022mar.onnx")
                #expect(body[path: "detectors", "objects", "format"] as? String == "yolox")
                #expect(body[path: "pipeline", "risk", "multiple_persons"] as? Double == 40)
                #expect(body[path: "engines", "object_detector"] as? String == "opencv-dnn")
            }
            try await client.execute(uri: "/ws/sessions", method: .get, headers: server.admin) { response in
                let body = try json(response.body)
                #expect(body["count"] as? Int == 0)
            }
        }
        await server.stop()
    }

    @Test("/metrics is Prometheus text")
    func metrics() async throws {
        let server = try await TestServer.make()
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get, headers: server.admin) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: response.body)
                for name in [
                    "proctor_frames_received_total", "proctor_frames_processed_total", "proctor_frames_skipped_total",
                    "proctor_frames_dropped_total", "proctor_active_sessions", "process_resident_memory_bytes",
                ] {
                    #expect(text.contains(name), "missing \(name)")
                }
            }
        }
        await server.stop()
    }

    @Test("session routes: empty list, unknown session and evidence are 404")
    func sessionRoutes() async throws {
        let server = try await TestServer.make()
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/api/sessions", method: .get, headers: server.admin) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect((body["sessions"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/api/sessions/nope", method: .get, headers: server.admin) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/sessions/nope/violations/v1/evidence", method: .get, headers: server.admin) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/sessions?limit=abc", method: .get, headers: server.admin) { response in
                #expect(response.status == .ok)
            }
        }
        await server.stop()
    }
}
