import Foundation
import Hummingbird
import ProctorCore

/// Rejects browser requests from origins that are not allowed (403), answers CORS preflights for
/// allowed ones, and adds the CORS headers to their responses. WebSocket handshakes pass through
/// here too, so a page on another site cannot open a candidate's live session.
struct OriginMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: OriginPolicy
    let metrics: ProctorMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let origin = request.headers[.origin]
        guard policy.allows(origin: origin, host: request.head.authority) else {
            metrics.security("origin_refused")
            throw APIError(.forbidden, .originNotAllowed, "requests from \(origin ?? "this origin") are not allowed (server.allowed_origins)")
        }
        guard let origin else { return try await next(request, context) }
        if request.method == .options {
            var headers = Self.corsHeaders(origin)
            headers[.accessControlAllowMethods] = "GET, POST, PUT, PATCH, DELETE"
            headers[.accessControlAllowHeaders] = "Authorization, Content-Type, X-Chunk-SHA256, X-Chunk-Started-At"
            headers[.accessControlMaxAge] = "600"
            return Response(status: .noContent, headers: headers)
        }
        // Errors too carry the CORS headers: without them the exam page sees a network failure, not
        // the answer (a 409 for a chunk it must not resend, a 401 for an expired link).
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers.append(contentsOf: Self.corsHeaders(origin))
        return response
    }

    static func corsHeaders(_ origin: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.accessControlAllowOrigin] = origin
        headers[.accessControlAllowCredentials] = "true"
        headers[.vary] = "Origin"
        return headers
    }
}
