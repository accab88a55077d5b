import Foundation
import Hummingbird
import HummingbirdWebSocket
import ProctorCore

/// `/`, `/health`, `/metrics`, `/ws/sessions` and `/ws/pipeline/info`.
struct StatusRoutes {
    let services: ProctorServices

    func register(on router: Router<ProctorRequestContext>) {
        router.get("/") { _, _ in
            JSONBody(["message": "AI Proctoring System API", "version": services.version, "status": "running"])
        }
        router.get("/health") { _, _ -> Response in
            if let problem = services.modelError {
                return JSONBody(["status": "unhealthy", "version": services.version, "reason": problem]).response(status: .serviceUnavailable)
            }
            return JSONBody(["status": "healthy", "version": services.version]).response(status: .ok)
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
            let formatter = ISO8601DateFormatter()
            return JSONBody([
                "count": entries.count,
                "sessions": entries.map { entry -> [String: Any] in
                    var object: [String: Any] = [
                        "session_id": entry.sessionId, "server_session_id": entry.serverSessionId,
                        "connected_at": formatter.string(from: entry.connectedAt),
                        "frames_received": entry.framesReceived, "frames_processed": entry.framesProcessed,
                        "frames_skipped": entry.framesSkipped, "frames_dropped": entry.framesDropped,
                        "last_risk_score": entry.lastRiskScore, "last_alert_level": entry.lastAlertLevel.rawValue,
                    ]
                    if let violation = entry.lastViolation { object["last_violation"] = violation }
                    return object
                },
            ])
        }
        router.get("/ws/pipeline/info") { _, context -> Response in
            try context.require(.watchLive)
            let configuration = services.configuration
            let pipeline = try JSONSerialization.jsonObject(with: ConfigurationLoader.encoder.encode(configuration.pipeline))
            return JSONBody([
                "version": services.version,
                "opencv_version": OpenCVVersion.string,
                "workers": services.pool?.size ?? 0,
                "engines": services.pool?.engines ?? [:],
                "models_loaded": services.pool != nil,
                "window_size": configuration.pipeline.behaviourWindow,
                "detectors": [
                    "faces": ["model": configuration.pipeline.faces.detectorModel, "score_threshold": configuration.pipeline.faces.scoreThreshold],
                    "head_pose": ["model": configuration.pipeline.faces.landmarkModel, "solver": "solvePnP SQPNP",
                                  "yaw_threshold": configuration.pipeline.gaze.yawThreshold, "pitch_threshold": configuration.pipeline.gaze.pitchThreshold],
                    "objects": ["model": configuration.pipeline.objects.model, "format": configuration.pipeline.objects.format.rawValue,
                                "interval_seconds": configuration.pipeline.objects.interval],
                    "identity": ["model": configuration.pipeline.identity.model, "match_threshold": configuration.pipeline.identity.matchThreshold],
                ],
                "pipeline": pipeline,
            ]).response(status: .ok)
        }
    }
}
