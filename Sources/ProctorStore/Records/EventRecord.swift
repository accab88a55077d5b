import Foundation

/// A finding in a recorded session, with its place in the chunk and in the master video.
public struct EventRecord: Sendable, Hashable, Codable {
    public var id: String
    public var sessionId: String
    public var chunkIndex: Int
    /// A `ViolationKind` raw value.
    public var type: String
    /// Seconds into the chunk.
    public var startOffset: Double
    public var endOffset: Double
    /// Seconds into the master video, set by the finalizer (or computed on read before that).
    public var startTime: Double?
    public var endTime: Double?
    public var peakConfidence: Double
    /// JSON object with kind-specific details (e.g. identity similarity).
    public var details: String
    public var evidenceKey: String?
    /// "confirmed" or "dismissed".
    public var decision: String?
    public var note: String?
    public var reviewedAt: Date?
    public var createdAt: Date

    public init(id: String, sessionId: String, chunkIndex: Int, type: String, startOffset: Double, endOffset: Double,
                peakConfidence: Double, details: String, evidenceKey: String?, createdAt: Date) {
        self.id = id
        self.sessionId = sessionId
        self.chunkIndex = chunkIndex
        self.type = type
        self.startOffset = startOffset
        self.endOffset = endOffset
        self.peakConfidence = peakConfidence
        self.details = details
        self.evidenceKey = evidenceKey
        self.createdAt = createdAt
    }
}
