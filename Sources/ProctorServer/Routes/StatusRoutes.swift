import Foundation
import Hummingbird
import HummingbirdWebSocket
import ProctorCore

/// `/`, `/health`, `/metrics`, `/ws/sessions` and `/ws/pipeline/info`.
struct StatusRoutes {
    let services: ProctorServices

    func register(on router: Router<ProctorRequestContext>) {
        router.get("/") { _, _ in
            RootResponse(version: services.version)
        }
        router.get("/health") { _, _ in
            if let problem = services.modelError {
                return Answer(.serviceUnavailable, HealthResponse(status: "unhealthy", version: services.version, reason: problem))
            }
            return Answer(.ok, HealthResponse(status: "healthy", version: services.version))
        }
        router.get("/metrics") { request, context -> Response in
            let token = services.configuration.auth.metricsToken
            if !token.isEmpty, request.headers[.authorization] != "Bearer \(token)" {
                try context.require(.readMetrics)
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: services.metrics.exposition())))
        }
        router.get("/ws/sessions") { _, context in
            try context.require(.watchLive)
            let entries = await services.registry.all
            return LiveSessionsResponse(activeSessions: entries.count, count: entries.count, sessions: entries.map(LiveSessionItem.init), timestamp: Date())
        }
        router.get("/ws/pipeline/info") { _, context in
            try context.require(.watchLive)
            let pipeline = services.configuration.pipeline
            let detectors = PipelineInfoResponse.Detectors(pipeline)
            return PipelineInfoResponse(
                version: services.version, opencvVersion: OpenCVVersion.string, workers: services.pool?.size ?? 0,
                engines: services.pool?.engines ?? [:], modelsLoaded: services.pool != nil, windowSize: pipeline.behaviourWindow,
                detectors: detectors, pipeline: .init(configuration: pipeline, detectors: detectors),
                connections: await services.registry.count, timestamp: Date()
            )
        }
    }
}
