import Foundation
import ProctorCore

/// One line of the audit log: who did what to which thing, when, from where.
public struct AuditRecord: Sendable, Hashable, Codable {
    public var id: Int64?
    public var at: Date
    /// Username, `candidate:<session id>`, or `system` (the purge job).
    public var actor: String
    public var role: String
    /// e.g. `login`, `login_failed`, `view_session`, `decision`, `export`, `delete_session`, `purge`.
    public var action: String
    /// The session, event or user acted on.
    public var target: String
    /// Action-specific details.
    public var details: [String: JSONValue]
    public var ip: String

    public init(at: Date, actor: String, role: String, action: String, target: String, details: [String: JSONValue] = [:], ip: String = "") {
        self.at = at
        self.actor = actor
        self.role = role
        self.action = action
        self.target = target
        self.details = details
        self.ip = ip
    }
}
