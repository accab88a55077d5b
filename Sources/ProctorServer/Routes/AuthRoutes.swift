import Foundation
import Hummingbird
import ProctorCore
import ProctorOperations
import ProctorStore

/// Staff login and logout. A login sets an HttpOnly, SameSite=Strict cookie (for the dashboard) and
/// returns the same signed token (for API clients as `Authorization: Bearer`).
struct AuthRoutes {
    let accounts: any AccountStore
    let auditor: Auditor
    let configuration: ProctorConfiguration
    let limits: ProctorServices.Limits
    let metrics: ProctorMetrics
    let passwords: PasswordHasher
    let signer: TokenSigner

    init(services: ProctorServices) {
        accounts = services.accounts
        auditor = services.auditor
        configuration = services.configuration
        limits = services.limits
        metrics = services.metrics
        passwords = services.passwords
        signer = services.signer
    }

    func register(on router: Router<ProctorRequestContext>) {
        router.post("api/auth/login", use: login)
        router.post("api/auth/logout", use: logout)
        router.get("api/auth/me", use: me)
    }

    struct LoginRequest: Decodable {
        var username: String
        var password: String
    }

    @Sendable func login(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        guard await limits.logins.allow(context.clientAddress) else {
            metrics.security("login_rate_limited")
            await auditor.record(nil, "login_rate_limited", target: context.clientAddress, context: context)
            throw APIError.rateLimited("too many login attempts from your address; wait a minute")
        }
        let body = try await RequestBody.decode(LoginRequest.self, from: request)
        let user = try await accounts.user(username: body.username)
        let passwords = passwords
        // Verify even for unknown users (against a decoy), so timing does not reveal which names exist.
        let stored = user?.passwordHash ?? passwords.decoy()
        let valid = try await passwords.verify(body.password, against: stored)
        guard let user, valid, user.disabledAt == nil else {
            metrics.security("login_failed")
            await auditor.record(nil, "login_failed", target: String(body.username.prefix(128)), context: context)
            throw APIError(.unauthorized, .invalidCredentials, "wrong username or password")
        }
        await limits.logins.reset(context.clientAddress)
        let now = Date()
        let hours = configuration.auth.sessionHours
        let token = AccessToken(
            sub: user.id, role: user.role, iat: now.timeIntervalSince1970, exp: now.timeIntervalSince1970 + hours * 3600,
            jti: TokenSigner.newIdentifier(), sid: nil, name: user.username)
        let signed = try signer.sign(token)
        let caller = Caller(id: user.id, role: user.role, name: user.username, sessionId: nil, tokenHash: "")
        await auditor.record(caller, "login", target: user.id, context: context)
        var response = try APICoding.response(
            LoginResponse(token: signed, username: user.username, role: user.role, expiresIn: Int(hours * 3600)),
            status: .ok)
        response.headers[.setCookie] = cookie(signed, maxAge: Int(hours * 3600), request: request)
        return response
    }

    @Sendable func logout(_ request: Request, context: ProctorRequestContext) async throws -> Response {
        if let caller = context.caller { await auditor.record(caller, "logout", target: caller.id, context: context) }
        var response = try APICoding.response(LogoutResponse(), status: .ok)
        response.headers[.setCookie] = cookie("", maxAge: 0, request: request)
        return response
    }

    @Sendable func me(_ request: Request, context: ProctorRequestContext) async throws -> MeResponse {
        guard let caller = context.caller, caller.role != .candidate else {
            throw APIError(.unauthorized, context.authFailure ?? .loginRequired, "not logged in")
        }
        return MeResponse(id: caller.id, username: caller.name, role: caller.role, permissions: caller.role.permissions.map(\.rawValue).sorted())
    }

    private func cookie(_ value: String, maxAge: Int, request: Request) -> String {
        let secure = configuration.auth.secureCookies || request.headers[.init("X-Forwarded-Proto")!] == "https"
        return "\(AuthenticationMiddleware.cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict\(secure ? "; Secure" : "")"
    }
}

/// `POST /api/auth/login`: the signed token (also set as an HttpOnly cookie).
struct LoginResponse: Encodable, Sendable {
    var token: String
    var username: String
    var role: Role
    var expiresIn: Int
}

/// `POST /api/auth/logout`.
struct LogoutResponse: Encodable, Sendable {
    var status = "logged_out"
}

/// `GET /api/auth/me`.
struct MeResponse: ResponseEncodable, Sendable {
    var id: String
    var username: String
    var role: Role
    var permissions: [String]
}
