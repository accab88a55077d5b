import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import ProctorCore
import Testing

@testable import ProctorServer

/// Who may call what: every role against every route, tokens that expire or are forged, origins,
/// rate limits, and the audit trail.
@Suite("Access control")
struct AccessControlTests {
    /// A caller in the matrix.
    enum Who: String, CaseIterable, CustomStringConvertible {
        case anonymous, ownCandidate, otherCandidate, reviewer, proctor, admin
        var description: String { rawValue }
    }

    /// What a route needs, which decides who gets through.
    enum Need {
        case `public`
        case permission(Permission)
        case ownSession, ownSessionOrReview
        /// Any candidate for their own session (the body names none), or staff who may create exams.
        case candidateOrManageExams

        func allows(_ who: Who) -> Bool {
            switch self {
            case .public: true
            case .permission(let permission):
                switch who {
                case .anonymous: false
                case .ownCandidate, .otherCandidate: Role.candidate.can(permission)
                case .reviewer: Role.reviewer.can(permission)
                case .proctor: Role.proctor.can(permission)
                case .admin: Role.admin.can(permission)
                }
            case .ownSession: who == .ownCandidate
            case .ownSessionOrReview: who == .ownCandidate || Need.permission(.review).allows(who)
            case .candidateOrManageExams: who == .ownCandidate || who == .otherCandidate || Need.permission(.manageExams).allows(who)
            }
        }
    }

    struct Session {
        let id: String
        let token: String
    }

    func createSession(_ client: some TestClientProtocol, server: TestServer, candidate: String) async throws -> Session {
        try await client.execute(
            uri: "/api/sessions", method: .post, headers: server.admin,
            body: ByteBuffer(string: #"{"exam_id":"e-1","candidate_id":"\#(candidate)"}"#)
        ) { response in
            #expect(response.status == .created)
            return Session(id: json(response)["id"] as? String ?? "", token: json(response)["upload_token"] as? String ?? "")
        }
    }

    @Test("every role against every route: allowed, or 401 without a login and 403 without the permission")
    func roleMatrix() async throws {
        let server = try await TestServer.make(withModels: false)
        try await server.application.test(.router) { client in
            let own = try await createSession(client, server: server, candidate: "alice")
            let other = try await createSession(client, server: server, candidate: "bob")
            let consent = #"{"notice_version":"1","items":["webcam_frames","video_chunks","reference_photo","microphone"]}"#
            let routes: [(HTTPRequest.Method, String, String?, Need)] = [
                (.get, "/", nil, .public), (.get, "/health", nil, .public), (.get, "/metrics", nil, .permission(.readMetrics)),
                (.get, "/static/css/app.css", nil, .public), (.get, "/admin", nil, .public), (.get, "/login", nil, .public),
                (.get, "/exam/\(own.id)", nil, .public),
                (.get, "/api/sessions", nil, .permission(.review)),
                (.get, "/api/sessions/\(own.id)", nil, .permission(.review)),
                (.get, "/api/dashboard/sessions", nil, .permission(.review)),
                (.get, "/api/sessions/\(own.id)/review", nil, .permission(.review)),
                (.patch, "/api/sessions/\(own.id)", #"{"reviewed":false}"#, .permission(.review)),
                (.get, "/api/sessions/\(own.id)/report?format=csv", nil, .permission(.review)),
                (.get, "/api/sessions/\(own.id)/events", nil, .permission(.review)),
                (.get, "/api/sessions/\(own.id)/video", nil, .permission(.review)),
                (.patch, "/api/sessions/\(own.id)/events/none", #"{"note":"x"}"#, .permission(.review)),
                (.patch, "/api/sessions/\(own.id)/incidents/none", #"{"note":"x"}"#, .permission(.review)),
                (.get, "/api/sessions/\(own.id)/violations/none/evidence", nil, .permission(.review)),
                (.post, "/api/sessions", #"{"exam_id":"e","candidate_id":"c"}"#, .permission(.manageExams)),
                (.delete, "/api/sessions/does-not-exist", nil, .permission(.deleteSessions)),
                (.get, "/api/users", nil, .permission(.manageUsers)),
                (.post, "/api/users", #"{"username":"x","password":"short","role":"proctor"}"#, .permission(.manageUsers)),
                (.get, "/api/accommodations", nil, .permission(.manageAccommodations)),
                (.get, "/api/audit", nil, .permission(.readAudit)),
                (.get, "/api/live/\(own.id)/snapshot", nil, .permission(.watchLive)),
                (.get, "/ws/sessions", nil, .permission(.watchLive)),
                (.get, "/ws/pipeline/info", nil, .permission(.watchLive)),
                (.get, "/api/sessions/\(own.id)/candidate", nil, .ownSession),
                (.post, "/api/sessions/\(own.id)/consent", consent, .ownSession),
                (.post, "/api/sessions/\(own.id)/end", "{}", .ownSession),
                (.post, "/api/sessions/\(own.id)/calibration", #"{"targets":[]}"#, .ownSession),
                (.get, "/api/sessions/\(own.id)/chunks", nil, .ownSessionOrReview),
                (.post, "/api/sessions/\(own.id)/client-events", #"{"events":[]}"#, .ownSession),
                (.post, "/api/live/ticket", nil, .candidateOrManageExams),
            ]
            var checked = 0
            for who in Who.allCases {
                let headers: HTTPFields =
                    switch who {
                    case .anonymous: [:]
                    case .ownCandidate: [.authorization: "Bearer \(own.token)"]
                    case .otherCandidate: [.authorization: "Bearer \(other.token)"]
                    case .reviewer: server.headers(.reviewer)
                    case .proctor: server.headers(.proctor)
                    case .admin: server.admin
                    }
                for (method, path, body, need) in routes {
                    try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
                        let status = response.status
                        if need.allows(who) {
                            #expect(
                                status != .unauthorized && status != .forbidden, "\(who) \(method) \(path) gave \(status): \(String(buffer: response.body))")
                        } else if who == .anonymous {
                            #expect(status == .unauthorized, "anonymous \(method) \(path) gave \(status)")
                            #expect(json(response)["type"] as? String == "error")
                        } else {
                            #expect(status == .forbidden, "\(who) \(method) \(path) gave \(status)")
                        }
                        checked += 1
                    }
                }
            }
            #expect(checked == routes.count * Who.allCases.count)
            // The live WebSocket: the own candidate (after consent), not another session's, not anonymous,
            // and no token in the URL at all (even a valid one): tickets only.
            let upgrade: HTTPFields = [.connection: "Upgrade", .upgrade: "websocket", .secWebSocketVersion: "13", .secWebSocketKey: "x3JJHMbDL1EzLkh9GBhXDw=="]
            for (token, expected) in [
                (other.token, HTTPResponse.Status.unauthorized), (own.token, .unauthorized), ("", .unauthorized), ("garbage", .unauthorized),
            ] {
                try await client.execute(uri: "/ws/\(own.id)?token=\(token)", method: .get, headers: upgrade) { response in
                    #expect(response.status == expected, "token \(token.prefix(8)) gave \(response.status)")
                }
            }
            var otherHeaders = upgrade
            otherHeaders[.authorization] = "Bearer \(other.token)"
            try await client.execute(uri: "/ws/\(own.id)", method: .get, headers: otherHeaders) { response in
                #expect(response.status == .forbidden, "another session's invitation in the header gave \(response.status)")
            }
        }
        await server.stop()
    }

    @Test("expired, tampered, foreign-key and replaced tokens are refused; a disabled account stops working")
    func tokens() async throws {
        let server = try await TestServer.make(withModels: false)
        let signer = server.services.signer
        let admin = try #require(try await server.services.accounts.user(username: "test-admin"))
        let now = Date().timeIntervalSince1970
        let expired = try signer.sign(AccessToken(sub: admin.id, role: .admin, iat: now - 7200, exp: now - 1, jti: "a", sid: nil, name: nil))
        let valid = try signer.sign(AccessToken(sub: admin.id, role: .admin, iat: now, exp: now + 600, jti: "b", sid: nil, name: nil))
        // Same payload, role raised from reviewer to admin, old signature kept.
        let reviewer = try #require(try await server.services.accounts.user(username: "test-reviewer"))
        let reviewerToken = try signer.sign(AccessToken(sub: reviewer.id, role: .reviewer, iat: now, exp: now + 600, jti: "c", sid: nil, name: nil))
        let parts = reviewerToken.split(separator: ".").map(String.init)
        var claims = try #require(try JSONSerialization.jsonObject(with: Base64URL.decode(parts[1])!) as? [String: Any])
        claims["role"] = "admin"
        let forged = [parts[0], Base64URL.encode(try JSONSerialization.data(withJSONObject: claims)), parts[2]].joined(separator: ".")
        let otherKey = try TokenSigner(keyBytes: Array(repeating: 7, count: 32)).sign(
            AccessToken(sub: admin.id, role: .admin, iat: now, exp: now + 600, jti: "d", sid: nil, name: nil))
        try await server.application.test(.router) { client in
            for (token, code) in [(expired, "expired_token"), (forged, "invalid_token"), (otherKey, "invalid_token"), ("a.b.c", "invalid_token")] {
                try await client.execute(uri: "/api/users", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                    #expect(response.status == .unauthorized)
                    #expect(json(response)["code"] as? String == code)
                }
            }
            try await client.execute(uri: "/api/users", method: .get, headers: [.authorization: "Bearer \(valid)"]) { #expect($0.status == .ok) }
            // The same token as a cookie.
            try await client.execute(uri: "/api/users", method: .get, headers: [.cookie: "other=1; proctor_auth=\(valid)"]) { #expect($0.status == .ok) }
            // A new invitation replaces the old link.
            let session = try await client.execute(
                uri: "/api/sessions", method: .post, headers: server.admin,
                body: ByteBuffer(string: #"{"exam_id":"e","candidate_id":"c"}"#)
            ) { json($0) }
            let id = session["id"] as? String ?? ""
            let first = session["upload_token"] as? String ?? ""
            let second = try await client.execute(uri: "/api/sessions/\(id)/invitation", method: .post, headers: server.admin) {
                json($0)["upload_token"] as? String ?? ""
            }
            try await client.execute(uri: "/api/sessions/\(id)/candidate", method: .get, headers: [.authorization: "Bearer \(first)"]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/api/sessions/\(id)/candidate", method: .get, headers: [.authorization: "Bearer \(second)"]) {
                #expect($0.status == .ok)
            }
            // Disabling the reviewer ends their access at once; an admin cannot disable themselves.
            try await client.execute(uri: "/api/users/\(reviewer.id)", method: .patch, headers: server.admin, body: ByteBuffer(string: #"{"disabled":true}"#)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/sessions", method: .get, headers: [.authorization: "Bearer \(reviewerToken)"]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/api/users/\(admin.id)", method: .patch, headers: server.admin, body: ByteBuffer(string: #"{"disabled":true}"#)) {
                #expect($0.status == .conflict)
            }
        }
        await server.stop()
    }

    @Test("login sets an HttpOnly SameSite cookie, refuses wrong passwords alike for unknown users, and is rate limited")
    func login() async throws {
        let server = try await TestServer.make(withModels: false) { $0.auth.loginAttemptsPerMinute = 3 }
        try await server.application.test(.router) { client in
            try await client.execute(
                uri: "/api/auth/login", method: .post, body: ByteBuffer(string: #"{"username":"test-proctor","password":"password-proctor"}"#)
            ) { response in
                #expect(response.status == .ok)
                let cookie = response.headers[.setCookie] ?? ""
                #expect(cookie.hasPrefix("proctor_auth=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
                #expect(json(response)["role"] as? String == "proctor")
            }
            try await client.execute(
                uri: "/api/auth/login", method: .post, headers: [.init("X-Forwarded-Proto")!: "https"],
                body: ByteBuffer(string: #"{"username":"test-proctor","password":"password-proctor"}"#)
            ) { response in
                #expect(response.headers[.setCookie]?.contains("; Secure") == true)
            }
            // A success clears the address's count; then three failures use up the minute's attempts.
            for body in [
                #"{"username":"test-proctor","password":"nope-nope-nope"}"#, #"{"username":"nobody","password":"nope-nope-nope"}"#,
                #"{"username":"nobody","password":"nope-nope-nope"}"#,
            ] {
                try await client.execute(uri: "/api/auth/login", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .unauthorized)
                    #expect(json(response)["code"] as? String == "invalid_credentials")
                }
            }
            try await client.execute(uri: "/api/auth/login", method: .post, body: ByteBuffer(string: #"{"username":"nobody","password":"nope-nope-nope"}"#)) {
                response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] != nil)
            }
            let entries = try await server.services.accounts.audit(limit: 50, before: nil, action: nil, target: nil).map(\.action)
            #expect(entries.filter { $0 == "login" }.count == 2 && entries.filter { $0 == "login_failed" }.count == 3 && entries.contains("login_rate_limited"))
        }
        await server.stop()
    }

    @Test("foreign origins are refused, allowed ones get CORS headers, and the API is rate limited per address")
    func originsAndRateLimits() async throws {
        let server = try await TestServer.make(withModels: false) {
            $0.server.allowedOrigins = ["https://lms.school.edu"]
            $0.server.requestsPerMinute = 5
        }
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/health", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.status == .forbidden)
                #expect(json(response)["code"] as? String == "origin_not_allowed")
            }
            try await client.execute(uri: "/ws/abc", method: .get, headers: [.origin: "http://localhost:3000"]) { response in
                #expect(response.status == .forbidden, "localhost is only allowed while no origin is configured")
            }
            try await client.execute(uri: "/api/sessions", method: .options, headers: [.origin: "https://lms.school.edu"]) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "https://lms.school.edu")
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            }
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<6 {
                try await client.execute(uri: "/api/sessions", method: .get, headers: server.admin + [.origin: "https://lms.school.edu"]) { response in
                    statuses.append(response.status)
                    if response.status == .ok { #expect(response.headers[.accessControlAllowOrigin] == "https://lms.school.edu") }
                }
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .ok } && statuses.last == .tooManyRequests, "\(statuses)")
            // Errors to an allowed origin carry CORS too, or the page could not read them.
            try await client.execute(uri: "/no-such-page", method: .get, headers: [.origin: "https://lms.school.edu"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == "https://lms.school.edu")
                #expect(json(response)["type"] as? String == "error")
            }
            try await client.execute(uri: "/metrics", method: .get, headers: server.headers(.proctor)) { response in
                let text = String(buffer: response.body)
                #expect(
                    text.contains(#"proctor_security_events_total{event="origin_refused"} 2"#),
                    "\(text.split(separator: "\n").filter { $0.contains("security") })")
                #expect(text.contains(#"proctor_security_events_total{event="rate_limited"} 1"#))
            }
        }
        await server.stop()
    }

    @Test("the audit log records views, decisions, exports, invitations and deletions, and only admins read it")
    func auditTrail() async throws {
        let server = try await TestServer.make(withModels: false)
        try await server.application.test(.router) { client in
            let session = try await createSession(client, server: server, candidate: "carol")
            try await client.execute(uri: "/api/sessions/\(session.id)/review", method: .get, headers: server.headers(.reviewer)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/sessions/\(session.id)/report?format=json", method: .get, headers: server.headers(.proctor)) {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "/api/sessions/\(session.id)", method: .patch, headers: server.headers(.reviewer), body: ByteBuffer(string: #"{"reviewed":true}"#)
            ) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/sessions/\(session.id)", method: .delete, headers: server.admin) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/sessions/\(session.id)", method: .get, headers: server.admin) { #expect($0.status == .notFound) }
            let entries = try await client.execute(uri: "/api/audit?target=\(session.id)", method: .get, headers: server.admin) { response in
                json(response)["entries"] as? [[String: Any]] ?? []
            }
            let trail = entries.reversed().map { "\($0["actor"] as? String ?? "") \($0["action"] as? String ?? "")" }
            #expect(
                trail == [
                    "test-admin invitation_created", "test-reviewer view_session", "test-proctor export", "test-reviewer session_reviewed",
                    "test-admin delete_session",
                ], "\(trail)")
            #expect(entries.allSatisfy { !($0["ip"] as? String ?? "").isEmpty })
        }
        await server.stop()
    }
}
