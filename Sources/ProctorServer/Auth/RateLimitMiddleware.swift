import Hummingbird

/// Per-address request limit on the API (429 with Retry-After beyond it).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = ProctorRequestContext
    let limiter: RequestLimiter
    let metrics: ProctorMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/api/"), !(await limiter.allow(context.clientAddress)) {
            metrics.security("rate_limited")
            throw RateLimited(message: "too many requests from your address; wait a minute")
        }
        return try await next(request, context)
    }
}

/// 429 with `Retry-After` and the usual error body.
struct RateLimited: HTTPResponseError {
    var status: HTTPResponse.Status { .tooManyRequests }
    let message: String
    var retryAfter = 60

    init(message: String, retryAfter: Int = 60) {
        self.message = message
        self.retryAfter = retryAfter
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONBody(["type": "error", "code": "rate_limited", "message": message]).response(status: status)
        response.headers[.retryAfter] = "\(retryAfter)"
        return response
    }
}
