import Foundation
import Hummingbird
import ProctorCore

/// `GET /`.
struct RootResponse: ResponseEncodable, Sendable {
    var message = "AI Proctoring System API"
    var version: String
    var status = "running"
}

/// `GET /health`.
struct HealthResponse: Encodable, Sendable {
    var status: String
    var version: String
    var reason: String?
    /// What the server needs besides itself, each with its state: `blob_store` today.
    var dependencies: [String: DependencyStatus]?
}

/// One dependency of `/health`: `ok` or `unavailable`, which kind it is, and why not when not.
struct DependencyStatus: Encodable, Sendable {
    var status: String
    var backend: String
    var reason: String?
}

/// `GET /ws/sessions`: the seed's shape (`active_sessions`, `sessions[].session_id`,
/// `sessions[].metadata.{connected_at, frames_processed}`, `timestamp`) plus Proctor's figures.
struct LiveSessionsResponse: ResponseEncodable, Sendable {
    var activeSessions: Int
    /// The same number, under the name earlier Proctor clients read.
    var count: Int
    var sessions: [LiveSessionItem]
    var timestamp: Date
}

struct LiveSessionItem: Encodable, Sendable {
    struct Metadata: Encodable, Sendable {
        var connectedAt: Date
        var framesProcessed: Int
    }

    var sessionId: String
    var serverSessionId: String
    var metadata: Metadata
    var connectedAt: Date
    var framesReceived: Int
    var framesProcessed: Int
    var framesSkipped: Int
    var framesDropped: Int
    var lastRiskScore: Double
    var lastAlertLevel: AlertLevel
    var lastViolation: String?

    init(_ entry: LiveSessionRegistry.Entry) {
        sessionId = entry.sessionId
        serverSessionId = entry.serverSessionId
        metadata = Metadata(connectedAt: entry.connectedAt, framesProcessed: entry.framesProcessed)
        connectedAt = entry.connectedAt
        framesReceived = entry.framesReceived
        framesProcessed = entry.framesProcessed
        framesSkipped = entry.framesSkipped
        framesDropped = entry.framesDropped
        lastRiskScore = entry.lastRiskScore
        lastAlertLevel = entry.lastAlertLevel
        lastViolation = entry.lastViolation
    }
}

/// `GET /ws/pipeline/info`: detectors, engines and thresholds; `pipeline` carries the seed's
/// `detectors` and `risk_scorer` beside the whole pipeline configuration.
struct PipelineInfoResponse: ResponseEncodable, Sendable {
    var version: String
    var opencvVersion: String
    var workers: Int
    var engines: [String: String]
    var modelsLoaded: Bool
    var windowSize: Int
    var detectors: Detectors
    var pipeline: PipelineSection
    var connections: Int
    var timestamp: Date

    struct Detectors: Encodable, Sendable {
        struct Faces: Encodable, Sendable {
            var model: String
            var scoreThreshold: Double
        }
        struct HeadPose: Encodable, Sendable {
            var model: String
            var solver = "solvePnP SQPNP"
            var yawThreshold: Double
            var pitchThreshold: Double
        }
        struct Gaze: Encodable, Sendable {
            /// What "looking away" is measured from today.
            var method = "head_pose"
            var yawThreshold: Double
            var pitchThreshold: Double
        }
        /// Eye gaze from the iris: the model, how ratios become an on-screen estimate, and when the eyes are off screen.
        struct Eyes: Encodable, Sendable {
            var enabled: Bool
            var model: String
            var method =
                "MediaPipe iris on 64x64 eye crops from the face mesh (corners 33/133 and 362/263, the left eye mirrored); per eye the iris centre along the corner line (horizontal) and off it over the eye width (vertical), eyes weighted by openness and width; gaze = head pose + asin(ratio change / eyeball radius ratio)"
            var calibration =
                "explicit (the candidate page's calibration step) or automatic (median of the first seconds of near-frontal frames); no decision before calibration"
            var calibrationSeconds: Double
            var calibrationHeadLimit: Double
            /// Degrees of gaze from the calibrated centre that are still on the screen (default, without the calibration step).
            var range: GazeRange
            var offScreenSeconds: Double
            var onScreenSeconds: Double
            var returnFraction: Double
            var blinkOpenness: Double
            var minimumEyeWidth: Double
            var riskWeight: Double
        }
        struct Objects: Encodable, Sendable {
            var model: String
            var modelType: String
            var format: String
            var confidenceThreshold: Double
            var intervalSeconds: Double
        }
        struct Behaviour: Encodable, Sendable {
            var windowSize: Int
        }
        struct Identity: Encodable, Sendable {
            var model: String
            var matchThreshold: Double
        }

        var faces: Faces
        var headPose: HeadPose
        var gaze: Gaze
        var eyes: Eyes
        var objects: Objects
        /// The seed's spelling.
        var behavior: Behaviour
        var identity: Identity

        init(_ pipeline: PipelineConfiguration) {
            faces = Faces(model: pipeline.faces.detectorModel, scoreThreshold: pipeline.faces.scoreThreshold)
            headPose = HeadPose(model: pipeline.faces.landmarkModel, yawThreshold: pipeline.gaze.yawThreshold, pitchThreshold: pipeline.gaze.pitchThreshold)
            gaze = Gaze(yawThreshold: pipeline.gaze.yawThreshold, pitchThreshold: pipeline.gaze.pitchThreshold)
            let eyeGaze = pipeline.gaze.eyes
            eyes = Eyes(
                enabled: eyeGaze.enabled, model: eyeGaze.model, calibrationSeconds: eyeGaze.calibrationSeconds,
                calibrationHeadLimit: eyeGaze.calibrationHeadLimit, range: eyeGaze.range, offScreenSeconds: eyeGaze.offScreenSeconds,
                onScreenSeconds: eyeGaze.onScreenSeconds, returnFraction: eyeGaze.returnFraction, blinkOpenness: eyeGaze.blinkOpenness,
                minimumEyeWidth: eyeGaze.minimumEyeWidth, riskWeight: pipeline.risk.eyesOffScreen)
            let classes = pipeline.objects.classes
            objects = Objects(
                model: pipeline.objects.model, modelType: pipeline.objects.format.rawValue, format: pipeline.objects.format.rawValue,
                confidenceThreshold: classes.forbidden.map(\.threshold).min() ?? classes.defaultThreshold,
                intervalSeconds: pipeline.objects.interval)
            behavior = Behaviour(windowSize: pipeline.behaviourWindow)
            identity = Identity(model: pipeline.identity.model, matchThreshold: pipeline.identity.matchThreshold)
        }
    }

    /// The pipeline configuration's own keys, plus `detectors` and `risk_scorer`.
    struct PipelineSection: Encodable, Sendable {
        var configuration: PipelineConfiguration
        var detectors: Detectors

        struct RiskScorer: Encodable, Sendable {
            struct Weights: Encodable, Sendable {
                var deviation: Double
                var forbiddenItems: Double
                var multiplePersons: Double
                var noFace: Double
                var repeatedOccurrence: Double
                var eyesOffScreen: Double
                var poorLighting: Double
            }
            var weights: Weights
        }

        enum CodingKeys: String, CodingKey {
            case detectors
            case riskScorer
        }

        func encode(to encoder: any Encoder) throws {
            try configuration.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(detectors, forKey: .detectors)
            let risk = configuration.risk
            try container.encode(
                RiskScorer(
                    weights: .init(
                        deviation: risk.gaze, forbiddenItems: risk.forbiddenItem, multiplePersons: risk.multiplePersons,
                        noFace: risk.noFace, repeatedOccurrence: risk.repeatedOccurrence,
                        eyesOffScreen: risk.eyesOffScreen, poorLighting: risk.poorLighting)),
                forKey: .riskScorer)
        }
    }
}
