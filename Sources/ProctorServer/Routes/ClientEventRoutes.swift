import Foundation
import Hummingbird
import ProctorCore
import ProctorStore

/// `POST /api/sessions/{id}/client-events`: the exam page's events over HTTP, for when the live
/// WebSocket is down and for `navigator.sendBeacon` as the page closes. A beacon cannot set headers,
/// so its body (`text/plain`, JSON) may carry the invitation token itself.
struct ClientEventRoutes {
    let recorder: ClientEventRecorder
    let recordings: any RecordingStore
    let store: any SessionStore
    let authentication: AuthenticationMiddleware
    let limiter: RequestLimiter
    /// Events in one request at most.
    static let batchLimit = 100

    init(services: ProctorServices) {
        recorder = ClientEventRecorder(services: services)
        recordings = services.recordings
        store = services.store
        authentication = AuthenticationMiddleware(services: services)
        limiter = services.limits.clientEvents
    }

    func register(on router: Router<ProctorRequestContext>) {
        router.post("api/sessions/{id}/client-events", use: receive)
    }

    struct Batch: Decodable {
        /// Checked one by one: a bad event is refused by itself, the others are kept.
        var events: [ClientEventDraft]
        /// The invitation token, for beacons (an `Authorization` header wins when both are sent).
        var token: String?
    }

    @Sendable func receive(_ request: Request, context: ProctorRequestContext) async throws -> ClientEventResultsResponse {
        let batch = try await RequestBody.decode(Batch.self, from: request)
        var context = context
        if context.caller == nil, let token = batch.token, !token.isEmpty {
            try await authentication.authenticate(token, context: &context)
        }
        let caller = try context.require(.takeExam)
        let id = try context.parameters.require("id")
        guard caller.sessionId == id, let recording = try await recordings.recording(sessionId: id), recording.uploadTokenHash == caller.tokenHash else {
            throw APIError(.forbidden, .forbidden, "this invitation is for another session, or has been replaced")
        }
        guard recording.consentAt != nil else { throw APIError(.forbidden, .consentRequired, "the candidate has not consented to the capture yet") }
        guard recording.finalizedAt == nil else {
            throw APIError(.conflict, .sessionFinalized, "the session is finalized; no more events")
        }
        guard batch.events.count <= Self.batchLimit else {
            throw APIError(.contentTooLarge, .tooLarge, "at most \(Self.batchLimit) events per request")
        }
        guard let session = try await store.session(id)?.session else { throw APIError(.notFound, .notFound, "no session \(id)") }
        var results: [ClientEventResult] = []
        for draft in batch.events {
            let event: ClientEvent
            switch draft.checked() {
            case .success(let checked): event = checked
            case .failure(let problem):
                let eventId = draft.readableId ?? ""
                results.append(ClientEventResult(id: eventId, status: .refused, error: ErrorBody(code: .invalidField, message: problem.message, id: eventId)))
                continue
            }
            guard await limiter.allow(id) else {
                results.append(
                    ClientEventResult(
                        id: event.id, status: .refused,
                        error: ErrorBody(code: .rateLimited, message: "too many client events; send it again later", id: event.id)))
                continue
            }
            do {
                switch try await recorder.record(event, sessionId: session.id, sessionStart: session.startedAt) {
                case .stored(let kind, let duplicate):
                    results.append(
                        ClientEventResult(
                            id: event.id, status: duplicate ? .duplicate : .stored,
                            notice: duplicate || kind == nil ? nil : ClientEventRules.notice(event)))
                case .ignored:
                    results.append(ClientEventResult(id: event.id, status: .ignored))
                }
            } catch let problem as ClientEventRules.Problem {
                results.append(ClientEventResult(id: event.id, status: .refused, error: ErrorBody(code: .invalidField, message: problem.message, id: event.id)))
            }
        }
        return ClientEventResultsResponse(results: results)
    }
}

/// The outcome of each event of a batch, in order.
struct ClientEventResultsResponse: ResponseEncodable, Sendable {
    var results: [ClientEventResult]
}

struct ClientEventResult: Encodable, Sendable {
    enum Status: String, Encodable, Sendable {
        /// Stored now.
        case stored
        /// Stored before: nothing changed.
        case duplicate
        /// Valid, not kept (a short window blur).
        case ignored
        /// Invalid or rate-limited: see `error`.
        case refused
    }

    var id: String
    var status: Status
    var notice: String?
    var error: ErrorBody?
}
