import Foundation
import ProctorCore

/// Messages the server sends on the live WebSocket besides analyses, as typed values written by
/// the one JSON encoder.
enum ServerMessage {
    struct Welcome: Encodable, Sendable {
        struct Sampling: Encodable, Sendable {
            var minFps: Double
            var maxFps: Double
            var motionThreshold: Double
        }
        var type = "welcome"
        var sessionId: String
        var serverSessionId: String
        var version: String
        var maxFrameBytes: Int
        var maxClientFps: Double
        var sampling: Sampling
        var objectIntervalSeconds: Double
        var binaryFrames = "send raw JPEG bytes as a binary message to skip base64; the server timestamps them"
    }

    struct Pong: Encodable, Sendable {
        var type = "pong"
        var timestamp: Double
    }

    struct Ended: Encodable, Sendable {
        struct Summary: Encodable, Sendable {
            var totalFrames: Int
            var processedFrames: Int
            var skippedFrames: Int
            var droppedFrames: Int
            var violationCount: Int
            var violations: [String: Int]
            var maxRisk: Double
            var averageRisk: Double
            var duration: Double
        }
        var type = "session_ended"
        var sessionId: String
        var summary: Summary
    }

    static func welcome(sessionId: String, serverSessionId: String, version: String, configuration: ServerConfiguration, pipeline: PipelineConfiguration)
        -> String
    {
        text(
            Welcome(
                sessionId: sessionId, serverSessionId: serverSessionId, version: version, maxFrameBytes: configuration.maxFrameBytes,
                maxClientFps: configuration.maxClientFps,
                sampling: .init(minFps: pipeline.sampling.minFps, maxFps: pipeline.sampling.maxFps, motionThreshold: pipeline.sampling.motionThreshold),
                objectIntervalSeconds: pipeline.objects.interval))
    }

    static func error(_ error: ClientMessageError, id: String? = nil) -> String {
        text(ErrorBody(code: error.code, message: error.message, id: id))
    }

    /// A client event is stored (or was already): the page may forget it. `notice` is what to tell the candidate.
    struct ClientEventAck: Encodable, Sendable {
        var type = "client_event_ack"
        var id: String
        var notice: String?
    }

    static func clientEventAck(id: String, notice: String?) -> String {
        text(ClientEventAck(id: id, notice: notice))
    }

    static func pong() -> String {
        text(Pong(timestamp: Date().timeIntervalSince1970))
    }

    static func ended(sessionId: String, statistics: SessionStatistics) -> String {
        text(
            Ended(
                sessionId: sessionId,
                summary: .init(
                    totalFrames: statistics.totalFrames, processedFrames: statistics.processedFrames, skippedFrames: statistics.skippedFrames,
                    droppedFrames: statistics.droppedFrames, violationCount: statistics.violationCount, violations: statistics.violations,
                    maxRisk: statistics.maximumRisk, averageRisk: statistics.averageRisk, duration: statistics.duration
                )))
    }

    /// Messages are built from finite values; a failure here is a bug, answered as an internal error.
    static func text(_ value: some Encodable) -> String {
        (try? APICoding.text(value)) ?? #"{"code":"internal_error","message":"the message could not be encoded","type":"error"}"#
    }
}
