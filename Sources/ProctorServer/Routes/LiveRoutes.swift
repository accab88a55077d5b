import Foundation
import Hummingbird
import HummingbirdWebSocket
import ProctorCore

/// The candidate's live WebSocket `/ws/{session_id}`: the handshake is checked (origin, id,
/// invitation, consent, models), then `LiveSession` runs the connection.
///
/// Two routers see the path. Real upgrades go to the WebSocket router (`registerUpgrades`): a
/// refused handshake is still upgraded, told why in the error envelope, and closed with 1008 —
/// hummingbird-websocket answers any refused upgrade with a bare 400, which would tell a client
/// nothing. Plain HTTP requests to the path go to the HTTP router (`register`), where a refusal is
/// its HTTP status with the envelope, and a request that does not ask for an upgrade gets 426.
struct LiveRoutes {
    let services: ProctorServices

    /// Why a handshake is refused: the status for plain HTTP, the message for an upgraded socket.
    struct Refusal: Error {
        var status: HTTPResponse.Status
        var error: ClientMessageError
    }

    /// The checks of a handshake; nil when the connection may proceed.
    func refusal(_ request: Request, context: ProctorRequestContext) async -> Refusal? {
        let server = services.configuration.server
        let sessionId = context.parameters.get("session_id") ?? ""
        guard SessionIdentifier.isValid(sessionId, maximumLength: server.maxSessionIdLength) else {
            return Refusal(
                status: .badRequest,
                error: ClientMessageError(
                    .invalidSessionId,
                    "session id must be 1-\(server.maxSessionIdLength) letters, digits, '-', '_' or '.'"))
        }
        // A candidate's invitation opens their own session only; staff who create exams may open any
        // (test rigs, kiosks, `proctor loadtest`).
        let caller: Caller
        do {
            caller = try context.require(.takeExam, or: .manageExams)
        } catch let error as APIError {
            return Refusal(status: error.status, error: ClientMessageError(error.code, error.message))
        } catch {
            return Refusal(status: .unauthorized, error: ClientMessageError(.loginRequired, "log in first"))
        }
        if caller.role == .candidate {
            let recording = try? await services.recordings.recording(sessionId: sessionId)
            guard caller.sessionId == sessionId, let recording, recording.uploadTokenHash == caller.tokenHash else {
                return Refusal(status: .forbidden, error: ClientMessageError(.forbidden, "this invitation is for another session, or has been replaced"))
            }
            guard recording.consentAt != nil else {
                return Refusal(status: .forbidden, error: ClientMessageError(.consentRequired, "the candidate has not consented to the capture yet"))
            }
        }
        guard services.pool != nil else {
            return Refusal(
                status: .serviceUnavailable,
                error: ClientMessageError(
                    .modelsUnavailable,
                    "analysis is unavailable: \(services.modelError ?? "models not loaded")"))
        }
        return nil
    }

    /// Plain HTTP to the WebSocket path (and the router-level tests): statuses and the envelope.
    func register(on router: Router<ProctorRequestContext>) {
        let services = services
        router.ws("/ws/{session_id}") { request, context in
            if let refusal = await refusal(request, context: context) {
                services.metrics.error(refusal.error.code)
                throw UpgradeRefusal(status: refusal.status, refusal.error)
            }
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                throw APIError(.upgradeRequired, .upgradeRequired, "this is the live WebSocket: connect with a WebSocket client")
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let sessionId = context.requestContext.parameters.get("session_id") ?? ""
            await LiveSession(sessionId: sessionId, services: services).run(inbound: inbound, outbound: outbound)
        }
    }

    /// Real WebSocket upgrades: a refused handshake gets the error message and a policy close.
    func registerUpgrades(on router: Router<ProctorRequestContext>) {
        let services = services
        let origins = OriginPolicy(allowed: services.configuration.server.allowedOrigins)
        router.ws("/ws/{session_id}") { request, context in
            .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let request = context.request
            let requestContext = context.requestContext
            var refusal: Refusal?
            if !origins.allows(origin: request.headers[.origin], host: request.head.authority) {
                services.metrics.security("origin_refused")
                refusal = Refusal(
                    status: .forbidden,
                    error: ClientMessageError(
                        .originNotAllowed,
                        "connections from \(request.headers[.origin] ?? "this origin") are not allowed (server.allowed_origins)"))
            } else {
                refusal = await self.refusal(request, context: requestContext)
            }
            if let refusal {
                services.metrics.error(refusal.error.code)
                try? await outbound.write(.text(ServerMessage.error(refusal.error)))
                try? await outbound.close(.policyViolation, reason: refusal.error.code.rawValue)
                return
            }
            let sessionId = requestContext.parameters.get("session_id") ?? ""
            await LiveSession(sessionId: sessionId, services: services).run(inbound: inbound, outbound: outbound)
        }
    }
}

/// A refused WebSocket handshake over plain HTTP: the status and the same error object a connected
/// client would get.
struct UpgradeRefusal: HTTPResponseError {
    let status: HTTPResponse.Status
    let error: ClientMessageError

    init(status: HTTPResponse.Status, _ error: ClientMessageError) {
        self.status = status
        self.error = error
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try APICoding.response(ErrorBody(code: error.code, message: error.message), status: status)
    }
}
