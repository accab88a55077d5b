import Foundation
import Hummingbird
import ProctorCore
import ProctorStore

/// A staff account as admins see it (never its password hash).
struct UserResponse: ResponseEncodable, Sendable {
    var id: String
    var username: String
    var role: Role
    var createdAt: Date
    var disabled: Bool

    init(_ user: UserRecord) {
        id = user.id
        username = user.username
        role = user.role
        createdAt = user.createdAt
        disabled = user.disabledAt != nil
    }
}

/// `GET /api/users`.
struct UserListResponse: ResponseEncodable, Sendable {
    var users: [UserResponse]
}

/// An accommodation profile: findings switched off or down-weighted for one candidate.
struct AccommodationResponse: ResponseEncodable, Sendable {
    var candidateId: String
    /// Null: every exam of the candidate.
    @Nullable var examId: String?
    var scales: [String: Double]
    var note: String

    init(_ profile: Accommodation) {
        candidateId = profile.candidateId
        examId = profile.examId
        scales = profile.scales
        note = profile.note
    }
}

/// `GET /api/accommodations`.
struct AccommodationListResponse: ResponseEncodable, Sendable {
    var accommodations: [AccommodationResponse]
}

/// One audit log entry.
struct AuditEntryResponse: Encodable, Sendable {
    var id: Int64
    var at: Date
    var actor: String
    var role: String
    var action: String
    var target: String
    var details: [String: JSONValue]
    var ip: String

    init(_ entry: AuditRecord) {
        id = entry.id ?? 0
        at = entry.at
        actor = entry.actor
        role = entry.role
        action = entry.action
        target = entry.target
        details = entry.details
        ip = entry.ip
    }
}

/// `GET /api/audit`.
struct AuditListResponse: ResponseEncodable, Sendable {
    var entries: [AuditEntryResponse]
}

/// `DELETE /api/sessions/{id}`.
struct DeletedSessionResponse: ResponseEncodable, Sendable {
    var id: String
    var deleted = true
    var filesDeleted: Int
}
