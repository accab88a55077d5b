import Hummingbird

/// Per-address request limit on the API (429 with Retry-After beyond it).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = ProctorRequestContext
    let limiter: RequestLimiter
    let metrics: ProctorMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/api/"), !(await limiter.allow(context.clientAddress)) {
            metrics.security("rate_limited")
            throw APIError.rateLimited("too many requests from your address; wait a minute")
        }
        return try await next(request, context)
    }
}
