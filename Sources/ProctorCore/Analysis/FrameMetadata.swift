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
        /// The frame's light and what was done about it (absent on frames whose detectors did not run).
        public var light: Light?

        public init(enabled: Bool, config: Config, roi: ROI, sampling: Sampling, light: Light? = nil) {
            self.enabled = enabled
            self.config = config
            self.roi = roi
            self.sampling = sampling
            self.light = light
        }
    }

    /// The light measure of the detector's input (`LightMeasurement`) and the dark-frame adaptation.
    public struct Light: Sendable, Hashable, Codable {
        public var meanLuma: Double
        public var noise: Double
        /// `good`, `dark` (adapted) or `poor` (adapted, and `poor_lighting`).
        public var condition: LightCondition
        /// The detector's input and the mesh crop were denoised, brightened and equalised harder.
        public var adapted: Bool
        /// The brightening gamma used (1 when none).
        public var gamma: Double
        /// A dark frame's face found only by the second pass (a second detection through a stronger blur,
        /// or a weaker candidate confirmed by the face mesh).
        public var foundBySecondPass: Bool

        public init(meanLuma: Double, noise: Double, condition: LightCondition, adapted: Bool, gamma: Double, foundBySecondPass: Bool) {
            self.meanLuma = meanLuma
            self.noise = noise
            self.condition = condition
            self.adapted = adapted
            self.gamma = gamma
            self.foundBySecondPass = foundBySecondPass
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
    /// Measuring the frame's light (mean luma and noise of the detector's input).
    public var lightMs = 0.0

    public init() {}
}
