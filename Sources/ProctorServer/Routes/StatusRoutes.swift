import Foundation
import Hummingbird
import HummingbirdWebSocket
import ProctorCore
import ProctorPipeline

/// `/`, `/health`, `/metrics`, `/ws/sessions` and `/ws/pipeline/info`.
struct StatusRoutes {
    let configuration: ProctorConfiguration
    let metrics: ProctorMetrics
    let modelError: String?
    let pool: VisionWorkerPool?
    let registry: LiveSessionRegistry
    let version: String

    init(services: ProctorServices) {
        configuration = services.configuration
        metrics = services.metrics
        modelError = services.modelError
        pool = services.pool
        registry = services.registry
        version = services.version
    }

    func register(on router: Router<ProctorRequestContext>) {
        router.get("/") { _, _ in
            RootResponse(version: version)
        }
        router.get("/health") { _, _ in
            if let problem = modelError {
                return Answer(.serviceUnavailable, HealthResponse(status: "unhealthy", version: version, reason: problem))
            }
            return Answer(.ok, HealthResponse(status: "healthy", version: version))
        }
        router.get("/metrics") { request, context -> Response in
            // Closed by default: the `metrics` token, or a staff login that may read metrics.
            let token = configuration.auth.metricsToken
            let hasToken = !token.isEmpty && request.headers[.authorization] == "Bearer \(token)"
            if !configuration.auth.openMetrics, !hasToken {
                try context.require(.readMetrics)
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get("/ws/sessions") { _, context in
            try context.require(.watchLive)
            let entries = await registry.all
            return LiveSessionsResponse(activeSessions: entries.count, count: entries.count, sessions: entries.map(LiveSessionItem.init), timestamp: Date())
        }
        router.get("/ws/pipeline/info") { _, context in
            try context.require(.watchLive)
            let pipeline = configuration.pipeline
            let detectors = PipelineInfoResponse.Detectors(pipeline)
            return PipelineInfoResponse(
                version: version, opencvVersion: OpenCVVersion.string, workers: pool?.size ?? 0,
                engines: pool?.engines ?? [:], modelsLoaded: pool != nil, windowSize: pipeline.behaviourWindow,
                detectors: detectors, pipeline: .init(configuration: pipeline, detectors: detectors),
                connections: await registry.count, timestamp: Date()
            )
        }
    }
}
