import Foundation
import ProctorCore
import ProctorStore

/// Creating accounts, shared by the API (`POST /api/users`) and the command line (`proctor admin create`).
public enum AccountAdministration {
    /// Validates and stores a new staff account with a scrypt-hashed password.
    public static func createUser(
        username: String, password: String, role: Role, store: any AccountStore,
        configuration: ProctorConfiguration
    ) async throws -> UserRecord {
        try validate(role: role)
        guard username.count >= 3, username.count <= 64, username.allSatisfy({ $0.isLetter || $0.isNumber || "._-@".contains($0) }) else {
            throw AccountError(.invalidField, "username must be 3-64 letters, digits, '.', '_', '-' or '@'")
        }
        try validate(password: password)
        guard try await store.user(username: username) == nil else {
            throw AccountError(.usernameTaken, "there is already a user \(username)")
        }
        let hash = try await hash(password: password, configuration: configuration)
        let user = UserRecord(id: UUID().uuidString.lowercased(), username: username, role: role, passwordHash: hash, createdAt: Date())
        try await store.createUser(user)
        return user
    }

    /// Accounts are staff: candidates have invitations instead.
    public static func validate(role: Role) throws {
        guard Role.staff.contains(role) else { throw AccountError(.invalidField, "role must be admin, proctor or reviewer") }
    }

    public static func validate(password: String) throws {
        guard password.count >= PasswordHasher.minimumLength, password.count <= 256 else {
            throw AccountError(.weakPassword, "password must be \(PasswordHasher.minimumLength)-256 characters")
        }
    }

    /// Checks the length rule, then hashes off the cooperative pool (scrypt takes ~0.1 s and 32 MiB).
    public static func hash(password: String, configuration: ProctorConfiguration) async throws -> String {
        try validate(password: password)
        let passwords = PasswordHasher(costLog2: configuration.auth.scryptCostLog2)
        return try await passwords.hash(password)
    }
}

/// Why an account cannot be created or changed; the API answers it with its code (409 for a taken
/// name, else 400), the command line prints the message.
public struct AccountError: Error, CustomStringConvertible, Sendable {
    public let code: ErrorCode
    public let message: String

    init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
