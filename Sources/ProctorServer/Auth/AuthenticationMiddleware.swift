import Foundation
import Hummingbird
import ProctorCore

/// Finds the caller of each request: a bearer token, the login cookie, or (for WebSocket handshakes,
/// where browsers cannot set headers) a single-use `ticket` query parameter from
/// `POST /api/live/ticket`. A `token` in the socket's URL is refused (URLs end up in proxy logs and
/// browser history) unless `auth.allow_token_in_live_url` lets old clients in, with a warning.
/// Routes then ask for a permission.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = ProctorRequestContext
    static let cookieName = "proctor_auth"

    let services: ProctorServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if services.configuration.server.trustForwardedFor, let forwarded = request.headers[.init("X-Forwarded-For")!] {
            context.clientAddress = forwarded.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? context.clientAddress
        }
        if let raw = Self.token(in: request) {
            try await authenticate(raw, context: &context)
        } else if request.uri.path.hasPrefix("/ws/"), let ticket = request.uri.queryParameters.get("ticket") {
            try await redeem(String(ticket), path: request.uri.path, context: &context)
        } else if request.uri.path.hasPrefix("/ws/"), let raw = request.uri.queryParameters.get("token"), !raw.isEmpty {
            if services.configuration.auth.allowTokenInLiveUrl {
                services.logger.warning(
                    "a live connection carries its token in the URL (an old client; auth.allow_token_in_live_url is on): move it to live tickets",
                    metadata: ["path": "\(request.uri.path)"])
                try await authenticate(String(raw), context: &context)
            } else {
                context.authFailure = .tokenInURL
                services.metrics.security(ErrorCode.tokenInURL.rawValue)
            }
        }
        return try await next(request, context)
    }

    /// Sets the context's caller from a token, or the reason it was refused.
    func authenticate(_ raw: String, context: inout Context) async throws {
        switch Result(catching: { () throws(TokenSigner.Failure) -> AccessToken in try services.signer.verify(raw) }) {
        case .success(let token):
            context.caller = try await caller(for: token, raw: raw)
            if context.caller == nil { context.authFailure = .invalidToken }
        case .failure(.expired):
            context.authFailure = .expiredToken
        case .failure:
            context.authFailure = .invalidToken
        }
        if let failure = context.authFailure { services.metrics.security(failure.rawValue) }
    }

    /// Sets the caller from a live ticket, taking it out of the store (it works once): for the
    /// session in the path only, before it expires.
    func redeem(_ ticket: String, path: String, context: inout Context) async throws {
        let sessionId = path.split(separator: "/").dropFirst().first.flatMap { String($0).removingPercentEncoding } ?? ""
        let rule = LiveTicketRule(lifetime: services.configuration.auth.liveTicketSeconds)
        guard let record = try await services.keys.redeemLiveTicket(hash: TokenSigner.fingerprint(ticket)),
            rule.refusal(ticketSession: record.sessionId, expiresAt: record.expiresAt, for: sessionId, now: Date()) == nil,
            let role = Role(rawValue: record.callerRole)
        else {
            context.authFailure = .invalidTicket
            services.metrics.security(ErrorCode.invalidTicket.rawValue)
            return
        }
        if role != .candidate {
            // Staff: the account must still be enabled and hold the role, as for a token.
            guard let user = try await services.accounts.user(id: record.callerId), user.disabledAt == nil, user.role == role else {
                context.authFailure = .invalidTicket
                return
            }
        }
        context.caller = Caller(
            id: record.callerId, role: role, name: record.callerName, sessionId: role == .candidate ? record.sessionId : nil, tokenHash: record.tokenHash)
    }

    private func caller(for token: AccessToken, raw: String) async throws -> Caller? {
        let hash = TokenSigner.fingerprint(raw)
        if token.role == .candidate {
            guard let session = token.sid else { return nil }
            return Caller(id: session, role: .candidate, name: "candidate:\(session)", sessionId: session, tokenHash: hash)
        }
        // Staff: the account must still exist, be enabled and have this role.
        guard let user = try await services.accounts.user(id: token.sub), user.disabledAt == nil, user.role == token.role else { return nil }
        return Caller(id: user.id, role: user.role, name: user.username, sessionId: nil, tokenHash: hash)
    }

    static func token(in request: Request) -> String? {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        if let cookies = request.headers[.cookie] {
            for pair in cookies.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == cookieName { return String(parts[1]) }
            }
        }
        return nil
    }
}

extension ProctorRequestContext {
    /// The caller, if they hold either permission.
    @discardableResult
    func require(_ permission: Permission, or other: Permission) throws -> Caller {
        if let caller, caller.can(other) { return caller }
        return try require(permission)
    }

    /// The caller, if they hold `permission`: 401 without a (valid) token, 403 with one that lacks it.
    @discardableResult
    func require(_ permission: Permission) throws -> Caller {
        guard let caller else {
            let message =
                switch authFailure {
                case .expiredToken: "your login has expired; log in again"
                case .invalidTicket: "this live ticket is unknown, used, expired or for another session: ask POST /api/live/ticket for a new one"
                case .tokenInURL:
                    "a token in the URL is not accepted: get a ticket from POST /api/live/ticket (token in the Authorization header) and connect with ?ticket="
                default: "log in first (cookie or Authorization: Bearer <token>)"
                }
            throw APIError(.unauthorized, authFailure ?? .loginRequired, message)
        }
        guard caller.can(permission) else {
            throw APIError(.forbidden, .forbidden, "a \(caller.role.rawValue) may not do this (needs \(permission.rawValue))")
        }
        return caller
    }
}
