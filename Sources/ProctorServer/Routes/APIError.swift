import Hummingbird

/// A client-facing API error: HTTP status plus `{"type":"error","code","message"}`.
public struct APIError: HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONBody(["type": "error", "code": code, "message": message]).response(status: status)
    }
}
