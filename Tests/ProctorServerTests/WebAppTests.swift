import Foundation
import Hummingbird
import HummingbirdTesting
import ProctorRecording
import ProctorStore
import Testing

@testable import ProctorServer

@Suite("Web app and dashboard feed")
struct WebAppTests {
    @Test("pages are served with security headers, assets with their types, and nothing outside the web folder")
    func pagesAndAssets() async throws {
        let server = try await TestServer.make(withModels: false)
        try await server.application.test(.router) { client in
            // The exam page is a thin host of the SDK (which holds the consent step and the rest).
            for (path, marker) in [("/exam/abc-123", "exam-host.js"), ("/admin", "sessions-title"), ("/admin/sessions/abc", "timeline")] {
                try await client.execute(uri: path, method: .get, headers: server.admin) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    let policy = response.headers[.contentSecurityPolicy] ?? ""
                    #expect(policy.contains("default-src 'self'") && policy.contains("frame-ancestors 'none'"))
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                    #expect(String(buffer: response.body).contains(marker))
                }
            }
            for path in ["/static/js/exam-host.js", "/sdk/proctor.js", "/sdk/v1/sdk.js", "/sdk/v1/signals.js"] {
                try await client.execute(uri: path, method: .get, headers: server.admin) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType]?.contains("javascript") == true, "\(path)")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                }
            }
            try await client.execute(uri: "/sdk/v1/sdk.css", method: .get, headers: server.admin) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/css") == true)
            }
            try await client.execute(uri: "/static/css/app.css", method: .get, headers: server.admin) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/css") == true)
            }
            for path in ["/static/missing.js", "/static/../Package.swift", "/static/%2e%2e/%2e%2e/Package.swift", "/static/../../../../etc/passwd"] {
                try await client.execute(uri: path, method: .get, headers: server.admin) { response in
                    #expect(response.status == .notFound || response.status == .badRequest, "\(path) gave \(response.status)")
                    #expect(!String(buffer: response.body).contains("root:"))
                }
            }
        }
        await server.stop()
    }

    @Test("the SDK loads cross-origin only for allowed exam sites, and the exam page may frame only those")
    func sdkOrigins() async throws {
        let server = try await TestServer.make(withModels: false) { $0.server.allowedOrigins = ["https://lms.example.edu"] }
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/sdk/v1/sdk.js", method: .get, headers: [.origin: "https://lms.example.edu"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == "https://lms.example.edu")
            }
            try await client.execute(uri: "/sdk/v1/sdk.js", method: .get, headers: [.origin: "https://elsewhere.example.com"]) { response in
                #expect(response.status == .forbidden)
                #expect(json(response)["code"] as? String == "origin_not_allowed")
            }
            try await client.execute(uri: "/exam/abc", method: .get) { response in
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-src https://lms.example.edu") == true)
            }
            try await client.execute(uri: "/admin", method: .get) { response in
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-src 'none'") == true)
            }
        }
        await server.stop()
    }

    @Test("every module the pages import exists, so a page can never fail on a missing file")
    func modulesResolve() throws {
        let root = try #require(WebAppRoutes.root(configured: ""))
        let files = try #require(FileManager.default.subpaths(atPath: root)).filter { $0.hasSuffix(".js") || $0.hasSuffix(".html") }
        var checked = 0
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            let directory = (file as NSString).deletingLastPathComponent
            for match in text.matches(of: /(?:from '|src="\/static\/|href="\/static\/)([^'"]+)/) {
                let target = String(match.1)
                let path = target.hasPrefix(".") ? ((directory as NSString).appendingPathComponent(target) as NSString).standardizingPath : target
                #expect(FileManager.default.fileExists(atPath: root + "/" + path), "\(file) refers to \(target), which does not exist")
                checked += 1
            }
        }
        #expect(checked >= 15)
    }

    @Test("live sessions are published to the shared store; the feed sends a message when they change, and nothing when they do not")
    func feedState() async throws {
        let server = try await TestServer.make(withModels: false)
        let services = server.services
        let registry = services.registry
        let publisher = LivePresencePublisher(services: services, server: "node-a")
        var state = FeedState()
        func presence() async throws -> [LivePresenceRecord] {
            try await services.livePresence.presence(updatedSince: Date().addingTimeInterval(-LiveFeedRoutes.presenceSeconds))
        }
        let empty = try await state.message(for: try await presence(), recordings: services.recordings, findings: services.findings)
        #expect(empty?.contains(#""count":0"#) == true)
        #expect(try await state.message(for: try await presence(), recordings: services.recordings, findings: services.findings) == nil)
        let connection = UUID()
        _ = await registry.add(sessionId: "live-1", serverSessionId: "server-1", connection: connection, close: {})
        await registry.offerSnapshot(sessionId: "live-1", connection: connection, bytes: [0xFF, 0xD8, 0xFF], at: Date(), interval: 2)
        // A second picture within the interval is not kept.
        await registry.offerSnapshot(sessionId: "live-1", connection: connection, bytes: [0x00], at: Date(), interval: 2)
        try await publisher.publishOnce()
        let joined = try #require(try await state.message(for: try await presence(), recordings: services.recordings, findings: services.findings))
        let tiles = try #require((try JSONSerialization.jsonObject(with: Data(joined.utf8)) as? [String: Any])?["sessions"] as? [[String: Any]])
        #expect(tiles.count == 1 && tiles[0]["session_id"] as? String == "live-1" && tiles[0]["server"] as? String == "node-a")
        #expect(tiles[0]["snapshot_url"] as? String == "/api/live/live-1/snapshot?v=1")
        // No findings yet: an empty count, which the dashboard's table shows as "none".
        #expect((tiles[0]["finding_counts"] as? [String: Any])?.isEmpty == true)
        try await server.application.test(.router) { client in
            // Served from the shared blob store, so any server can answer it.
            try await client.execute(uri: "/api/live/live-1/snapshot", method: .get, headers: server.admin) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/jpeg")
                #expect(Array(response.body.readableBytesView) == [0xFF, 0xD8, 0xFF])
            }
            try await client.execute(uri: "/api/live/nobody/snapshot", method: .get, headers: server.admin) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/live/..%2F..%2Fetc/snapshot", method: .get, headers: server.admin) { response in
                #expect(response.status == .notFound)
            }
        }
        // Unchanged: nothing to send, even after another publication.
        try await publisher.publishOnce()
        #expect(try await state.message(for: try await presence(), recordings: services.recordings, findings: services.findings) == nil)
        _ = await registry.remove(sessionId: "live-1", connection: connection)
        try await publisher.publishOnce()
        #expect(
            try await state.message(for: try await presence(), recordings: services.recordings, findings: services.findings)?.contains(#""count":0"#) == true)
        #expect(await !services.blobs.exists(BlobKeys.liveSnapshot("live-1")))
        await server.stop()
    }

    @Test("a live tile counts the session's findings as the sessions table does, so its row updates without a reload")
    func feedFindingCounts() async throws {
        let server = try await TestServer.make(withModels: false)
        let services = server.services
        let session = try await services.store.openSession(externalId: "live-counts", at: Date(), metadata: [:])
        let connection = UUID()
        _ = await services.registry.add(sessionId: "live-counts", serverSessionId: session.id, connection: connection, close: {})
        let publisher = LivePresencePublisher(services: services, server: "node-a")
        var finding = FindingRecord(
            id: "live-finding-1", sessionId: session.id, source: .live, type: .lookingAway, severity: 20, confidence: 0.8, frames: 4,
            evidenceKey: nil, createdAt: Date())
        finding.sessionStart = 1
        finding.sessionEnd = 3
        #expect(try await services.findings.addFinding(finding))
        try await publisher.publishOnce()
        var state = FeedState()
        let presence = try await services.livePresence.presence(updatedSince: Date().addingTimeInterval(-LiveFeedRoutes.presenceSeconds))
        let message = try #require(try await state.message(for: presence, recordings: services.recordings, findings: services.findings))
        let tiles = try #require((try JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any])?["sessions"] as? [[String: Any]])
        #expect((tiles.first?["finding_counts"] as? [String: Int]) == ["looking_away": 1])
        #expect(tiles.first?["connected_at"] is String, "the table counts a live row's duration on from connected_at")
        await server.stop()
    }

    @Test("CSV fields are quoted per RFC 4180 and never start a spreadsheet formula")
    func csvFields() {
        #expect(SessionReport.field("plain") == "plain")
        #expect(SessionReport.field("a,b") == "\"a,b\"")
        #expect(SessionReport.field("say \"hi\"\nnow") == "\"say \"\"hi\"\"\nnow\"")
        #expect(SessionReport.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(SessionReport.field("-3.5") == "-3.5")
        #expect(SessionReport.number(nil) == "" && SessionReport.number(3.14159) == "3.14")
    }
}
