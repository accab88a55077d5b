import Foundation

/// Totals of a session, written as it runs and when it ends.
public struct SessionSummaryRecord: Sendable, Hashable, Codable {
    public var sessionId: String
    public var totalFrames: Int
    public var processedFrames: Int
    public var skippedFrames: Int
    public var droppedFrames: Int
    public var violationCount: Int
    /// Violation kind → episodes.
    public var violationBreakdown: [String: Int]
    public var maxRisk: Double
    public var averageRisk: Double
    public var highestAlert: String
    /// Seconds.
    public var duration: Double
    public var updatedAt: Date

    public init(
        sessionId: String, totalFrames: Int, processedFrames: Int, skippedFrames: Int, droppedFrames: Int, violationCount: Int,
        violationBreakdown: [String: Int], maxRisk: Double, averageRisk: Double, highestAlert: String, duration: Double, updatedAt: Date
    ) {
        self.sessionId = sessionId
        self.totalFrames = totalFrames
        self.processedFrames = processedFrames
        self.skippedFrames = skippedFrames
        self.droppedFrames = droppedFrames
        self.violationCount = violationCount
        self.violationBreakdown = violationBreakdown
        self.maxRisk = maxRisk
        self.averageRisk = averageRisk
        self.highestAlert = highestAlert
        self.duration = duration
        self.updatedAt = updatedAt
    }
}
