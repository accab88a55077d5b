import Foundation
import Hummingbird
import HummingbirdWebSocket
import ProctorCore
import ProctorPipeline
import ProctorRecording

/// `/`, `/health`, `/metrics`, `/ws/sessions` and `/ws/pipeline/info`.
struct StatusRoutes {
    let blobs: any BlobStore
    let configuration: ProctorConfiguration
    let metrics: ProctorMetrics
    let modelError: String?
    let pool: VisionWorkerPool?
    let registry: LiveSessionRegistry
    let version: String

    /// How long `/health` waits for the blob store before calling it unavailable: a load balancer's
    /// probe must get an answer well within its own timeout.
    static let blobStoreDeadline = Duration.seconds(3)

    init(services: ProctorServices) {
        blobs = services.blobs
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
            let store = await blobStoreStatus()
            let dependencies = ["blob_store": store]
            if let problem = modelError {
                return Answer(.serviceUnavailable, HealthResponse(status: "unhealthy", version: version, reason: problem, dependencies: dependencies))
            }
            if let problem = store.reason {
                return Answer(
                    .serviceUnavailable, HealthResponse(status: "unhealthy", version: version, reason: "blob store: \(problem)", dependencies: dependencies))
            }
            return Answer(.ok, HealthResponse(status: "healthy", version: version, dependencies: dependencies))
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

    /// The blob store's state, within `blobStoreDeadline`.
    func blobStoreStatus() async -> DependencyStatus {
        let backend = configuration.storage.backend.rawValue
        let blobs = blobs
        let problem: String? = await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await blobs.checkAvailable()
                    return nil
                } catch {
                    return "\(error)"
                }
            }
            group.addTask {
                try? await Task.sleep(for: Self.blobStoreDeadline)
                return Task.isCancelled ? nil : "no answer within \(Self.blobStoreDeadline)"
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        return DependencyStatus(status: problem == nil ? "ok" : "unavailable", backend: backend, reason: problem)
    }
}
