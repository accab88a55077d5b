import Crypto
import Foundation
import Hummingbird
import ProctorCore
import ProctorRecording
import ProctorStore

/// `POST /api/live/ticket`: a short-lived, single-use ticket for one live connection, asked for with
/// the invitation in the `Authorization` header, so the long-lived token never appears in a URL
/// (`/ws/{id}?ticket=…`). Tickets are stored (hashed) in the database: any server of a deployment
/// redeems a ticket another issued, and only once.
struct LiveTicketRoutes {
    let services: ProctorServices

    struct TicketRequest: Decodable {
        /// The session to open: required for staff, optional for a candidate (their own).
        var sessionId: String?
    }

    func register(on router: Router<ProctorRequestContext>) {
        router.post("api/live/ticket", use: issue)
    }

    @Sendable func issue(_ request: Request, context: ProctorRequestContext) async throws -> Answer<LiveTicketResponse> {
        let caller = try context.require(.takeExam, or: .manageExams)
        let bytes = try await RequestBody.collect(request, limit: RequestBody.jsonLimit)
        let body = bytes.isEmpty ? TicketRequest() : try RequestBody.decode(TicketRequest.self, from: bytes)
        let sessionId: String
        if caller.role == .candidate {
            guard let own = caller.sessionId, body.sessionId == nil || body.sessionId == own else {
                throw APIError(.forbidden, .forbidden, "this invitation is for another session")
            }
            let recording = try await services.recordings.recording(sessionId: own)
            guard let recording, recording.uploadTokenHash == caller.tokenHash else {
                throw APIError(.forbidden, .forbidden, "this invitation has been replaced")
            }
            sessionId = own
        } else {
            guard let requested = body.sessionId else { throw APIError(.badRequest, .missingField, "missing field \"session_id\"") }
            let server = services.configuration.server
            guard SessionIdentifier.isValid(requested, maximumLength: server.maxSessionIdLength) else {
                throw APIError(.badRequest, .invalidSessionId, "session id must be 1-\(server.maxSessionIdLength) letters, digits, '-', '_' or '.'")
            }
            sessionId = requested
        }
        let rule = LiveTicketRule(lifetime: services.configuration.auth.liveTicketSeconds)
        let now = Date()
        let ticket = Base64URL.encode(Data(MasterKeyring.randomBytes(32)))
        let record = LiveTicketRecord(
            ticketHash: TokenSigner.fingerprint(ticket), sessionId: sessionId, callerId: caller.id, callerRole: caller.role.rawValue,
            callerName: caller.name, tokenHash: caller.tokenHash, expiresAt: rule.expiry(issuedAt: now))
        try await services.keys.storeLiveTicket(record, now: now)
        return Answer(.created, LiveTicketResponse(ticket: ticket, sessionId: sessionId, expiresAt: record.expiresAt, expiresIn: rule.lifetime))
    }
}
