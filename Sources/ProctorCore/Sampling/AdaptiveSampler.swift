/// Decides frame by frame whether to run the detectors, from motion and time.
///
/// A still scene is analysed at `minFps` (a heartbeat, so that a candidate who leaves slowly is still
/// noticed); a moving one at up to `maxFps`. The decision is a pure function of the motion score and
/// the timestamps, so it behaves the same for live frames and for frames read from a video.
public struct AdaptiveSampler: Sendable {
    public let configuration: SamplingConfiguration
    public private(set) var totalFrames = 0
    public private(set) var processedFrames = 0
    private var lastProcessedTimestamp: Double?

    public init(configuration: SamplingConfiguration) {
        self.configuration = configuration
    }

    public var skippedFrames: Int { totalFrames - processedFrames }

    /// Fraction of frames seen so far that were skipped.
    public var skipRatio: Double { totalFrames == 0 ? 0 : Double(skippedFrames) / Double(totalFrames) }

    /// Records a frame and says whether to process it.
    /// - Parameters:
    ///   - motionScore: difference from the previous frame, nil for the first frame.
    ///   - timestamp: seconds, monotonic within the session.
    public mutating func decide(motionScore: Double?, at timestamp: Double) -> SamplingDecision {
        totalFrames += 1
        let reason = reasonToProcess(motionScore: motionScore, at: timestamp)
        if reason.processes {
            processedFrames += 1
            lastProcessedTimestamp = timestamp
        }
        return SamplingDecision(shouldProcess: reason.processes, reason: reason, motionScore: motionScore ?? 0, skipRatio: skipRatio)
    }

    private func reasonToProcess(motionScore: Double?, at timestamp: Double) -> SamplingDecision.Reason {
        guard configuration.enabled else { return .samplingDisabled }
        guard let last = lastProcessedTimestamp, let motion = motionScore else { return .firstFrame }
        let elapsed = timestamp - last
        // A clock that went backwards (client reset, new video) restarts the cadence.
        if elapsed < 0 { return .firstFrame }
        if configuration.minFps > 0, elapsed >= 1 / configuration.minFps - Self.tolerance { return .heartbeat }
        if motion > configuration.motionThreshold {
            let minimumGap = configuration.maxFps > 0 ? 1 / configuration.maxFps : 0
            return elapsed >= minimumGap - Self.tolerance ? .motion : .rateLimited
        }
        return .still
    }

    /// Frame timestamps jitter; a frame a millisecond early still counts as on time.
    private static let tolerance = 0.001
}

/// What the sampler decided for one frame, and why.
public struct SamplingDecision: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable, Codable {
        case samplingDisabled = "sampling_disabled"
        case firstFrame = "first_frame"
        case heartbeat
        case motion
        case rateLimited = "rate_limited"
        case still

        public var processes: Bool {
            switch self {
            case .samplingDisabled, .firstFrame, .heartbeat, .motion: true
            case .rateLimited, .still: false
            }
        }
    }

    public var shouldProcess: Bool
    public var reason: Reason
    public var motionScore: Double
    public var skipRatio: Double

    public init(shouldProcess: Bool, reason: Reason, motionScore: Double, skipRatio: Double) {
        self.shouldProcess = shouldProcess
        self.reason = reason
        self.motionScore = motionScore
        self.skipRatio = skipRatio
    }
}
