/// A stretch of time in which the same finding was seen: what a reviewer looks at.
public struct ViolationEpisode: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var kind: ViolationKind
    /// Seconds on the session's clock (stream timestamps or video time).
    public var start: Double
    public var end: Double
    public var peakConfidence: Double
    /// When the peak was seen: the evidence snapshot is taken from the frame of the opening or a stronger one.
    public var peakTimestamp: Double
    /// Processed frames that showed it.
    public var frames: Int
    /// The sum of the per-frame strengths (see `FindingConfidence`) over those frames.
    public var strengthTotal: Double
    /// Processed frames while it was open, whether they showed it or not (at least `frames`).
    public var lookedAt: Int

    public init(
        id: String, kind: ViolationKind, start: Double, end: Double, peakConfidence: Double, peakTimestamp: Double, frames: Int,
        strengthTotal: Double? = nil, lookedAt: Int? = nil
    ) {
        self.id = id
        self.kind = kind
        self.start = start
        self.end = end
        self.peakConfidence = peakConfidence
        self.peakTimestamp = peakTimestamp
        self.frames = frames
        self.strengthTotal = strengthTotal ?? peakConfidence * Double(frames)
        self.lookedAt = max(frames, lookedAt ?? frames)
    }

    public var duration: Double { max(0, end - start) }

    /// The mean per-frame strength over the frames that showed it.
    public var strength: Double { frames > 0 ? strengthTotal / Double(frames) : peakConfidence }

    /// The share of the frames looked at while it was open that showed it.
    public var frameShare: Double { lookedAt > 0 ? Double(frames) / Double(lookedAt) : 1 }

    /// What the reviewer reads (see `FindingConfidence.episode`).
    public var confidence: Double { FindingConfidence.episode(strength: strength, frames: frames, lookedAt: lookedAt) }
}

/// One finding on one frame, the input of episode tracking.
public struct Finding: Sendable, Hashable {
    public var kind: ViolationKind
    public var confidence: Double

    public init(kind: ViolationKind, confidence: Double) {
        self.kind = kind
        self.confidence = confidence
    }

    /// The findings of a frame's risk assessment that form episodes (pattern flags do not).
    public static func from(_ risk: RiskAssessment) -> [Finding] {
        var best: [ViolationKind: Double] = [:]
        for violation in risk.violations where violation.kind != .repeatedBehaviour {
            best[violation.kind] = max(best[violation.kind] ?? 0, violation.confidence)
        }
        return best.map { Finding(kind: $0.key, confidence: $0.value) }.sorted { $0.kind.rawValue < $1.kind.rawValue }
    }
}
