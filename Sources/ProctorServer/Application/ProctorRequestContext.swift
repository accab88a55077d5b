import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import ProctorCore

/// The context of every request: what Hummingbird needs for routing and WebSocket upgrades, plus the
/// client's address (for rate limits and the audit log) and the authenticated caller, if any.
public struct ProctorRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    /// The peer's IP address; behind a reverse proxy, `X-Forwarded-For` when `server.trust_forwarded_for`.
    public var clientAddress: String
    /// Set by `AuthenticationMiddleware` when the request carried a valid token.
    var caller: Caller?
    /// Why a token that was sent did not check out (`invalid_token`, `expired_token`), for a precise 401.
    var authFailure: ErrorCode?

    /// Every JSON answer goes through the one encoder (snake_case, ISO-8601 dates).
    public var responseEncoder: JSONEncoder { APICoding.encoder() }
    public var requestDecoder: JSONDecoder { APICoding.decoder() }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
