import Hummingbird
import ProctorCore

/// A client-facing API error: an HTTP status and the error envelope.
public struct APIError: HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let body: ErrorBody
    /// Extra headers (`Retry-After` on 429).
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: ErrorCode, _ message: String) {
        self.status = status
        self.body = ErrorBody(code: code, message: message)
    }

    init(_ status: HTTPResponse.Status, body: ErrorBody) {
        self.status = status
        self.body = body
    }

    /// 429 with `Retry-After`.
    static func rateLimited(_ message: String, retryAfter: Int = 60) -> APIError {
        var error = APIError(.tooManyRequests, .rateLimited, message)
        error.headers[.retryAfter] = "\(retryAfter)"
        return error
    }

    public var code: ErrorCode { body.code }
    public var message: String { body.message }
    public var description: String { body.message }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try APICoding.response(body, status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}
