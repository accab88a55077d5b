import Foundation

/// An aggregated violation episode with its evidence and the reviewer's decision.
public struct ViolationRecord: Sendable, Hashable, Codable {
    public var id: String
    public var sessionId: String
    /// A `ViolationKind` raw value.
    public var type: String
    /// Points the finding adds to the risk score: how serious the kind is.
    public var severity: Double
    public var startTime: Double
    public var endTime: Double
    public var duration: Double
    public var peakConfidence: Double
    public var frames: Int
    /// Path of the JPEG snapshot, relative to the data directory.
    public var evidencePath: String?
    public var reviewed: Bool
    /// "confirmed" or "dismissed" once reviewed.
    public var decision: String?
    public var reviewerNotes: String?
    public var createdAt: Date

    public init(id: String, sessionId: String, type: String, severity: Double, startTime: Double, endTime: Double, duration: Double,
                peakConfidence: Double, frames: Int, evidencePath: String?, reviewed: Bool = false, decision: String? = nil,
                reviewerNotes: String? = nil, createdAt: Date) {
        self.id = id
        self.sessionId = sessionId
        self.type = type
        self.severity = severity
        self.startTime = startTime
        self.endTime = endTime
        self.duration = duration
        self.peakConfidence = peakConfidence
        self.frames = frames
        self.evidencePath = evidencePath
        self.reviewed = reviewed
        self.decision = decision
        self.reviewerNotes = reviewerNotes
        self.createdAt = createdAt
    }
}
