import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import ProctorCore
import ProctorVision

/// Builds the Hummingbird application: the HTTP router, and the router real WebSocket upgrades go
/// through (`LiveRoutes` explains why there are two).
public enum ProctorApplication {
    public static func build(services: ProctorServices, port: Int? = nil) -> some ApplicationProtocol {
        let server = services.configuration.server
        let router = Router(context: ProctorRequestContext.self)
        // Origin first: every answer to an allowed origin, errors included (already in the envelope), gets its CORS headers.
        router.add(middleware: OriginMiddleware(policy: OriginPolicy(allowed: server.allowedOrigins), metrics: services.metrics))
        router.add(middleware: ErrorEnvelopeMiddleware(logger: services.logger))
        router.add(middleware: AuthenticationMiddleware(services: services))
        router.add(middleware: RateLimitMiddleware(limiter: services.limits.requests, metrics: services.metrics))
        AuthRoutes(services: services).register(on: router)
        AdminRoutes(services: services).register(on: router)
        StatusRoutes(services: services).register(on: router)
        SessionRoutes(services: services).register(on: router)
        RecordingRoutes(services: services).register(on: router)
        ClientEventRoutes(services: services).register(on: router)
        DashboardRoutes(services: services).register(on: router)
        LiveFeedRoutes(services: services).register(on: router)
        WebAppRoutes(services: services).register(on: router)
        LiveTicketRoutes(services: services).register(on: router)
        LiveRoutes(services: services).register(on: router)
        // Upgrades: the caller is authenticated (`?ticket=` or a header); the route checks the rest.
        let upgrades = Router(context: ProctorRequestContext.self)
        upgrades.add(middleware: AuthenticationMiddleware(services: services))
        LiveRoutes(services: services).registerUpgrades(on: upgrades)
        let limit = LiveSession.webSocketMessageLimit(server)
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: upgrades,
                configuration: .init(http1: .init(idleTimeout: .seconds(120)), ws: .init(maxFrameSize: limit, autoPing: .enabled(timePeriod: .seconds(30))))
            ),
            configuration: .init(address: .hostname(server.host, port: port ?? server.port), serverName: "proctor/\(services.version)"),
            logger: services.logger
        )
    }
}

enum OpenCVVersion {
    static var string: String { OpenCVRuntime.version }
}
