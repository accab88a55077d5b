import Foundation
import ProctorCore

/// The recorded-session side of a session: who, how it is uploaded, and how it ended.
public struct RecordingRecord: Sendable, Hashable, Codable {
    public var sessionId: String
    public var examId: String
    public var candidateId: String
    public var chunkSeconds: Double
    /// SHA-256 (hex) of the upload token; the token itself is only ever given to the client.
    public var uploadTokenHash: String
    /// Blob key of the reference photo, once enrolled.
    public var referenceKey: String?
    /// The reference face embedding.
    public var referenceEmbedding: [Float]?
    public var endRequestedAt: Date?
    /// The last chunk index the client says it recorded (from END_SESSION).
    public var lastIndex: Int?
    public var masterKey: String?
    public var masterDuration: Double?
    public var finalizedAt: Date?
    /// Chunk indices missing from the master, once finalized.
    public var gaps: [Int]?
    /// When the candidate consented to the capture, and to which notice version.
    public var consentAt: Date?
    public var consentVersion: String?
    /// Whether the exam records the room's sound (migration v9; sessions from before are `on`).
    public var audioPolicy: AudioPolicy = .on

    public init(sessionId: String, examId: String, candidateId: String, chunkSeconds: Double, uploadTokenHash: String) {
        self.sessionId = sessionId
        self.examId = examId
        self.candidateId = candidateId
        self.chunkSeconds = chunkSeconds
        self.uploadTokenHash = uploadTokenHash
    }
}
