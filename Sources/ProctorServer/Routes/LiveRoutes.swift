import Foundation
import Hummingbird
import HummingbirdWebSocket
import ProctorCore

/// The candidate's live WebSocket `/ws/{session_id}`: the handshake is checked (id, invitation,
/// consent, models) before the upgrade, then `LiveSession` runs the connection.
struct LiveRoutes {
    let services: ProctorServices

    func register(on router: Router<ProctorRequestContext>) {
        let server = services.configuration.server
        let services = services
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
                    throw APIError(.forbidden, .forbidden, "this invitation is for another session, or has been replaced")
                }
                guard recording.consentAt != nil else {
                    throw APIError(.forbidden, .consentRequired, "the candidate has not consented to the capture yet")
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
        try APICoding.response(ErrorBody(code: error.code, message: error.message), status: status)
    }
}
