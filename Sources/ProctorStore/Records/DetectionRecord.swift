import Foundation

/// What was found on one processed frame.
public struct DetectionRecord: Sendable, Hashable, Codable {
    public var sessionId: String
    /// Stream timestamp, seconds.
    public var timestamp: Double
    public var recordedAt: Date
    public var faceCount: Int
    public var personCount: Int?
    public var yaw: Double?
    public var pitch: Double?
    public var roll: Double?
    public var deviation: Bool
    /// Comma-separated forbidden items, e.g. "cell_phone,book".
    public var forbiddenItems: String
    public var riskScore: Double
    public var alertLevel: String
    public var processingMs: Double

    public init(
        sessionId: String, timestamp: Double, recordedAt: Date, faceCount: Int, personCount: Int?, yaw: Double?, pitch: Double?,
        roll: Double?, deviation: Bool, forbiddenItems: String, riskScore: Double, alertLevel: String, processingMs: Double
    ) {
        self.sessionId = sessionId
        self.timestamp = timestamp
        self.recordedAt = recordedAt
        self.faceCount = faceCount
        self.personCount = personCount
        self.yaw = yaw
        self.pitch = pitch
        self.roll = roll
        self.deviation = deviation
        self.forbiddenItems = forbiddenItems
        self.riskScore = riskScore
        self.alertLevel = alertLevel
        self.processingMs = processingMs
    }
}
