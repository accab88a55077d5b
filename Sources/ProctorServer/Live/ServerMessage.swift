import Foundation
import ProctorCore

/// Messages the server sends besides analyses.
enum ServerMessage {
    static func welcome(sessionId: String, serverSessionId: String, version: String, configuration: ServerConfiguration, pipeline: PipelineConfiguration) -> String {
        json([
            "type": "welcome",
            "session_id": sessionId,
            "server_session_id": serverSessionId,
            "version": version,
            "max_frame_bytes": configuration.maxFrameBytes,
            "max_client_fps": configuration.maxClientFps,
            "sampling": ["min_fps": pipeline.sampling.minFps, "max_fps": pipeline.sampling.maxFps, "motion_threshold": pipeline.sampling.motionThreshold],
            "object_interval_seconds": pipeline.objects.interval,
            "binary_frames": "send raw JPEG bytes as a binary message to skip base64; the server timestamps them",
        ])
    }

    static func error(_ error: ClientMessageError) -> String {
        json(["type": "error", "code": error.code.rawValue, "message": error.message])
    }

    static func pong() -> String {
        json(["type": "pong", "timestamp": Date().timeIntervalSince1970])
    }

    static func ended(sessionId: String, statistics: SessionStatistics) -> String {
        json([
            "type": "session_ended",
            "session_id": sessionId,
            "summary": [
                "total_frames": statistics.totalFrames,
                "processed_frames": statistics.processedFrames,
                "skipped_frames": statistics.skippedFrames,
                "dropped_frames": statistics.droppedFrames,
                "violation_count": statistics.violationCount,
                "violations": statistics.violations,
                "max_risk": statistics.maximumRisk,
                "average_risk": statistics.averageRisk,
                "duration": statistics.duration,
            ] as [String: Any],
        ])
    }

    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
