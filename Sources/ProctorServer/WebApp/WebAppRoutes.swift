import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import ProctorCore

/// The web app: the candidate page, the proctor dashboard and their assets, as plain files (HTML,
/// CSS, ES modules) with no build step. Pages get security headers; assets are cacheable briefly.
struct WebAppRoutes {
    let configuration: ProctorConfiguration
    let logger: Logger

    init(services: ProctorServices) {
        configuration = services.configuration
        logger = services.logger
    }

    /// The folder holding `exam.html`, `admin.html`, `review.html`, `css/` and `js/`.
    static func root(configured: String) -> String? {
        if !configured.isEmpty { return configured }
        return Bundle.module.url(forResource: "Web", withExtension: nil)?.path
    }

    func register(on router: Router<ProctorRequestContext>) {
        guard let root = Self.root(configured: configuration.server.webRoot) else {
            logger.error("the web app's files were not found; pages are unavailable")
            return
        }
        // Router-level: file middleware answers what no route matched, under /static only.
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(
            middleware: FileMiddleware(
                root, urlBasePath: "/static", cacheControl: .init([(MediaType(type: .any), [.noCache])]),
                searchForIndexHtml: false, logger: logger))
        // The candidate SDK, loaded by exam pages on other origins: CORS comes from `OriginMiddleware`
        // (allowed origins only), so a page the server does not list cannot load its modules.
        router.add(
            middleware: FileMiddleware(
                root + "/sdk", urlBasePath: "/sdk", cacheControl: .init([(MediaType(type: .any), [.noCache])]),
                searchForIndexHtml: false, logger: logger))
        // The standalone exam page may frame the exam site, if it is one of the allowed origins.
        let frameSources = configuration.server.allowedOrigins
        let pages: [(String, String)] = [
            ("exam/{session_id}", "exam.html"), ("admin", "admin.html"), ("admin/sessions/{id}", "review.html"), ("login", "login.html"),
        ]
        for (path, file) in pages {
            let pageHeaders = file == "exam.html" ? SecurityHeaders.page(frameSources: frameSources) : SecurityHeaders.page(frameSources: [])
            router.get(RouterPath(stringLiteral: path)) { (_: Request, context: ProctorRequestContext) -> Response in
                // Read per request (off the event loop, by Hummingbird's FileIO), so an edited page under `server.web_root` shows at once.
                let body: ResponseBody
                do {
                    body = try await FileIO().loadFile(path: root + "/" + file, context: context)
                } catch {
                    throw APIError(.notFound, .notFound, "page \(file) is missing")
                }
                var headers = pageHeaders
                headers[.contentType] = "text/html; charset=utf-8"
                headers[.cacheControl] = "no-cache"
                return Response(status: .ok, headers: headers, body: body)
            }
        }
    }
}

/// Headers that keep pages from being framed, sniffed or loading anything from elsewhere.
enum SecurityHeaders {
    /// - Parameter frameSources: origins the page may show in a frame (the exam site); none by default.
    static func page(frameSources: [String]) -> HTTPFields {
        var headers = HTTPFields()
        // Origins are checked to be plain http(s) origins before they enter the policy.
        let frames = frameSources.filter { origin in
            (origin.hasPrefix("https://") || origin.hasPrefix("http://")) && origin.allSatisfy { !$0.isWhitespace && $0 != ";" && $0 != "," && $0 != "'" }
        }
        headers[.contentSecurityPolicy] =
            "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; "
            + "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; "
            + "frame-src \(frames.isEmpty ? "'none'" : frames.joined(separator: " "))"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.init("Referrer-Policy")!] = "no-referrer"
        headers[.init("X-Frame-Options")!] = "DENY"
        headers[.init("Permissions-Policy")!] = "camera=(self), microphone=(self), geolocation=()"
        return headers
    }
}

/// Marks every asset response `nosniff`, so a file is only ever used as its declared type.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}
