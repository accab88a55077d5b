/// How a frame was processed: timings, preprocessing, sampling and counters.
public struct FrameMetadata: Sendable, Hashable, Codable {
    public var sessionId: String
    public var timestamp: Double
    /// Wall time from receiving the frame to the finished analysis.
    public var processingTimeMs: Double
    public var preprocessingTimeMs: Double
    /// The concurrent face and object paths, end to end.
    public var detectionTimeMs: Double
    public var frameWithinTimeout: Bool
    public var frameSkipped: Bool
    public var preprocessing: Preprocessing
    public var performance: Performance
    /// Per-stage milliseconds.
    public var stages: StageTimings

    public init(
        sessionId: String, timestamp: Double, processingTimeMs: Double, preprocessingTimeMs: Double, detectionTimeMs: Double,
        frameWithinTimeout: Bool, frameSkipped: Bool, preprocessing: Preprocessing, performance: Performance, stages: StageTimings
    ) {
        self.sessionId = sessionId
        self.timestamp = timestamp
        self.processingTimeMs = processingTimeMs
        self.preprocessingTimeMs = preprocessingTimeMs
        self.detectionTimeMs = detectionTimeMs
        self.frameWithinTimeout = frameWithinTimeout
        self.frameSkipped = frameSkipped
        self.preprocessing = preprocessing
        self.performance = performance
        self.stages = stages
    }

    public struct Preprocessing: Sendable, Hashable, Codable {
        public var enabled: Bool
        public var config: Config
        public var roi: ROI
        public var sampling: Sampling

        public init(enabled: Bool, config: Config, roi: ROI, sampling: Sampling) {
            self.enabled = enabled
            self.config = config
            self.roi = roi
            self.sampling = sampling
        }
    }

    public struct Config: Sendable, Hashable, Codable {
        public var claheEnabled: Bool
        public var bilateralEnabled: Bool
        public var gamma: Double

        public init(claheEnabled: Bool, bilateralEnabled: Bool, gamma: Double) {
            self.claheEnabled = claheEnabled
            self.bilateralEnabled = bilateralEnabled
            self.gamma = gamma
        }
    }

    public struct ROI: Sendable, Hashable, Codable {
        public var enabled: Bool
        /// [x, y, width, height] in pixels when enabled.
        public var region: [Int]?

        public init(enabled: Bool, region: [Int]?) {
            self.enabled = enabled
            self.region = region
        }
    }

    public struct Sampling: Sendable, Hashable, Codable {
        public var motionScore: Double
        public var shouldProcess: Bool
        public var skipRatio: Double
        public var reason: SamplingDecision.Reason

        public init(_ decision: SamplingDecision) {
            motionScore = decision.motionScore
            shouldProcess = decision.shouldProcess
            skipRatio = decision.skipRatio
            reason = decision.reason
        }
    }

    public struct Performance: Sendable, Hashable, Codable {
        public var totalFrames: Int
        public var processedFrames: Int
        public var skippedFrames: Int
        /// Frames discarded unseen because a newer one arrived while the session was busy (live only).
        public var droppedFrames: Int

        public init(totalFrames: Int, processedFrames: Int, skippedFrames: Int, droppedFrames: Int) {
            self.totalFrames = totalFrames
            self.processedFrames = processedFrames
            self.skippedFrames = skippedFrames
            self.droppedFrames = droppedFrames
        }
    }
}

/// Milliseconds spent in each stage of one frame; stages that did not run are 0.
public struct StageTimings: Sendable, Hashable, Codable {
    public var decodeMs = 0.0
    public var samplingMs = 0.0
    public var preprocessMs = 0.0
    public var faceDetectMs = 0.0
    public var landmarksPoseMs = 0.0
    /// The iris model on both eyes, and the gaze ratios.
    public var irisMs = 0.0
    public var objectsMs = 0.0
    public var behaviourRiskMs = 0.0
    /// Time spent waiting for a free CV worker.
    public var queueMs = 0.0

    public init() {}
}
