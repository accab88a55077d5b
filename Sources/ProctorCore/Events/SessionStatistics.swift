/// Running totals of a session, for its summary.
public struct SessionStatistics: Sendable, Hashable, Codable {
    public var processedFrames = 0
    public var skippedFrames = 0
    public var droppedFrames = 0
    public var maximumRisk = 0.0
    public var riskTotal = 0.0
    /// Episodes by violation kind.
    public var violations: [String: Int] = [:]
    public var firstTimestamp: Double?
    public var lastTimestamp: Double?
    public var highestAlert = AlertLevel.none

    public init() {}

    public var totalFrames: Int { processedFrames + skippedFrames + droppedFrames }
    public var averageRisk: Double { processedFrames == 0 ? 0 : riskTotal / Double(processedFrames) }
    public var violationCount: Int { violations.values.reduce(0, +) }
    /// Seconds between the first and last frame.
    public var duration: Double {
        guard let first = firstTimestamp, let last = lastTimestamp else { return 0 }
        return max(0, last - first)
    }

    public mutating func recordProcessed(risk: RiskAssessment, at timestamp: Double) {
        processedFrames += 1
        riskTotal += risk.score
        maximumRisk = max(maximumRisk, risk.score)
        highestAlert = max(highestAlert, risk.level)
        noteTimestamp(timestamp)
    }

    public mutating func recordSkipped(at timestamp: Double) {
        skippedFrames += 1
        noteTimestamp(timestamp)
    }

    public mutating func recordEpisode(_ episode: ViolationEpisode) {
        violations[episode.kind.rawValue, default: 0] += 1
    }

    private mutating func noteTimestamp(_ timestamp: Double) {
        if firstTimestamp == nil || timestamp < firstTimestamp! { firstTimestamp = timestamp }
        if lastTimestamp == nil || timestamp > lastTimestamp! { lastTimestamp = timestamp }
    }
}
