import Foundation
import Hummingbird
import Logging
import ProctorCore
import ProctorOperations

/// Maps every error a handler, the router or Hummingbird throws to the one error envelope:
/// Hummingbird's `HTTPError` (unknown routes, 405s), body decoding errors, and unexpected failures,
/// which are logged with the request path and answered without details, never a stack trace.
struct ErrorEnvelopeMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as UpgradeRefusal {
            throw error
        } catch let error as AccountError {
            throw APIError(error.code == .usernameTaken ? .conflict : .badRequest, error.code, error.message)
        } catch let error as HTTPError {
            throw APIError(error.status, ErrorCode(status: error.status.code), error.body ?? error.status.reasonPhrase)
        } catch let error as DecodingError {
            throw APIError(.badRequest, .invalidJSON, "the body is not the expected JSON: \(RequestBody.describe(error))")
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, ErrorCode(status: error.status.code), error.status.reasonPhrase)
        } catch {
            logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            throw APIError(.internalServerError, .internalError, "internal error")
        }
    }
}
