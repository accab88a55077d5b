import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import ProctorCore
import ProctorVision

/// Builds the Hummingbird application: HTTP routes and the live WebSocket on one router.
public enum ProctorApplication {
    public static func build(services: ProctorServices, port: Int? = nil) -> some ApplicationProtocol {
        let server = services.configuration.server
        let router = Router(context: ProctorRequestContext.self)
        router.add(middleware: ErrorLoggingMiddleware(logger: services.logger))
        router.add(middleware: OriginMiddleware(policy: OriginPolicy(allowed: server.allowedOrigins), metrics: services.metrics))
        router.add(middleware: AuthenticationMiddleware(services: services))
        router.add(middleware: RateLimitMiddleware(limiter: services.limits.requests, metrics: services.metrics))
        AuthRoutes(services: services).register(on: router)
        AdminRoutes(services: services).register(on: router)
        StatusRoutes(services: services).register(on: router)
        SessionRoutes(services: services).register(on: router)
        RecordingRoutes(services: services).register(on: router)
        DashboardRoutes(services: services).register(on: router)
        LiveFeedRoutes(services: services).register(on: router)
        WebAppRoutes(services: services).register(on: router)
        // The handshake passes through the router's middleware like any request: its origin is checked
        // and its caller authenticated (`?token=`) before this closure runs.
        router.ws("/ws/{session_id}") { _, context in
            // Refuse before upgrading what can never become a session: a clear HTTP error, no socket kept.
            let sessionId = context.parameters.get("session_id") ?? ""
            guard SessionIdentifier.isValid(sessionId, maximumLength: server.maxSessionIdLength) else {
                services.metrics.error(.invalidSessionId)
                throw UpgradeRefusal(status: .badRequest, ClientMessageError(.invalidSessionId,
                    "session id must be 1-\(server.maxSessionIdLength) letters, digits, '-', '_' or '.'"))
            }
            // A candidate's invitation opens their own session only; staff who create exams may open any
            // (test rigs, kiosks, `proctor loadtest`).
            let caller = try context.require(.takeExam, or: .manageExams)
            if caller.role == .candidate {
                guard caller.sessionId == sessionId, let recording = try await services.recordings.recording(sessionId: sessionId),
                      recording.uploadTokenHash == caller.tokenHash else {
                    throw APIError(.forbidden, "forbidden", "this invitation is for another session, or has been replaced")
                }
                guard recording.consentAt != nil else {
                    throw APIError(.forbidden, "consent_required", "the candidate has not consented to the capture yet")
                }
            }
            guard services.pool != nil else {
                services.metrics.error(.modelsUnavailable)
                throw UpgradeRefusal(status: .serviceUnavailable, ClientMessageError(.modelsUnavailable,
                    "analysis is unavailable: \(services.modelError ?? "models not loaded")"))
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let sessionId = context.requestContext.parameters.get("session_id") ?? ""
            await LiveSession(sessionId: sessionId, services: services).run(inbound: inbound, outbound: outbound)
        }
        let limit = LiveSession.webSocketMessageLimit(server)
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: router,
                configuration: .init(http1: .init(idleTimeout: .seconds(120)), ws: .init(maxFrameSize: limit, autoPing: .enabled(timePeriod: .seconds(30))))
            ),
            configuration: .init(address: .hostname(server.host, port: port ?? server.port), serverName: "proctor/\(services.version)"),
            logger: services.logger
        )
    }
}

/// A refused WebSocket upgrade: the status and the same error object a connected client would get.
struct UpgradeRefusal: HTTPResponseError {
    let status: HTTPResponse.Status
    let error: ClientMessageError

    init(status: HTTPResponse.Status, _ error: ClientMessageError) {
        self.status = status
        self.error = error
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONBody.text(ServerMessage.error(error), status: status)
    }
}

/// Logs unexpected errors with the request path; clients get a plain message, never a stack trace.
struct ErrorLoggingMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            throw HTTPError(.internalServerError, message: "internal error")
        }
    }
}

enum OpenCVVersion {
    static var string: String { OpenCVRuntime.version }
}
