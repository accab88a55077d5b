import Foundation
import Hummingbird
import ProctorCore
import ProctorStore

/// `POST /api/sessions`: the new recorded session and its invitation.
struct CreatedSessionResponse: Encodable, Sendable {
    var id: String
    var uploadToken: String
    var chunkSeconds: Double
    var examId: String
    var candidateId: String
    /// The exam's audio policy (`off`, `on`, `required`).
    var audio: AudioPolicy
    var chunkUploadUrl: String
    var invitationUrl: String
    var invitationExpiresAt: Date
}

/// `POST /api/sessions/{id}/invitation`.
struct InvitationResponse: ResponseEncodable, Sendable {
    var id: String
    var uploadToken: String
    var invitationUrl: String
    var invitationExpiresAt: Date
}

/// `GET /api/sessions/{id}/candidate`: where the candidate page resumes, and what it must disclose.
struct CandidateResponse: ResponseEncodable, Sendable {
    struct Retention: Encodable, Sendable {
        var videoDays: Int
        var evidenceDays: Int
        var faceDataDays: Int
    }

    var sessionId: String
    var examId: String
    var candidateId: String
    var chunkSeconds: Double
    @Nullable var consentAt: Date?
    var referenceEnrolled: Bool
    var endRequested: Bool
    var finalized: Bool
    /// Whether the page asks for the microphone (`on`, `required`) and may start without one (`on`).
    var audio: AudioPolicy
    var retention: Retention
}

/// `POST /api/sessions/{id}/consent`.
struct ConsentResponse: ResponseEncodable, Sendable {
    var status = "recorded"
    var consentAt: Date
    var noticeVersion: String
}

/// `POST /api/sessions/{id}/reference`: the enrolled photo's checks.
struct ReferenceResponse: ResponseEncodable, Sendable {
    var status = "enrolled"
    var faces: Int
    var faceScore: Double
    var brightness: Double
    var sharpness: Double
}

/// `PUT /api/sessions/{id}/chunks/{index}`.
struct ChunkStoredResponse: Encodable, Sendable {
    var index: Int
    /// `stored`, or `duplicate` for a retry of a chunk the server has.
    var status: String
    var sha256: String
    var size: Int
}

/// `GET /api/sessions/{id}/chunks`.
struct ChunkListResponse: ResponseEncodable, Sendable {
    struct Chunk: Encodable, Sendable {
        var index: Int
        var sha256: String
        var size: Int
        var status: ChunkRecord.Status
        @Nullable var duration: Double?
        @Nullable var error: String?

        init(_ chunk: ChunkRecord) {
            index = chunk.index
            sha256 = chunk.sha256
            size = chunk.size
            status = chunk.status
            duration = chunk.duration
            error = chunk.error
        }
    }

    var sessionId: String
    var chunks: [Chunk]
    var ended: Bool
    var finalized: Bool
}

/// `POST /api/sessions/{id}/end`.
struct EndResponse: Encodable, Sendable {
    var status: String
    var lastIndex: Int
    var missingChunks: [Int]
}
