import Foundation
import ProctorCore

/// Who made a request, once their token checked out.
struct Caller: Sendable, Hashable {
    /// User id, or the session id for a candidate.
    var id: String
    var role: Role
    /// Username (staff) or `candidate:<session>`, as written to the audit log.
    var name: String
    /// The one session a candidate may touch.
    var sessionId: String?
    /// Hash of the raw token, to check a candidate's against the session's current invitation.
    var tokenHash: String

    func can(_ permission: Permission) -> Bool { role.can(permission) }
}
