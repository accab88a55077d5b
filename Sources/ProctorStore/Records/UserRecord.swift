import Foundation
import ProctorCore

/// A staff account (admin, proctor or reviewer). Candidates have invitations, not accounts.
public struct UserRecord: Sendable, Hashable, Codable {
    public var id: String
    public var username: String
    public var role: Role
    /// Self-describing KDF string (`scrypt$N$r$p$salt$hash`), never the password.
    public var passwordHash: String
    public var createdAt: Date
    /// A disabled account cannot log in; its tokens stop working at their next check.
    public var disabledAt: Date?

    public init(id: String, username: String, role: Role, passwordHash: String, createdAt: Date) {
        self.id = id
        self.username = username
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}
