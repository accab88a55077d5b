/// Who a caller is to Proctor. Staff roles belong to accounts; `candidate` belongs to an invitation
/// and reaches one session only.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// Exams (invitations), users, settings, deletion, the audit log.
    case admin
    /// Watches live sessions and reviews recordings.
    case proctor
    /// Reviews recordings only.
    case reviewer
    /// Takes one exam: their own session's consent, photo, chunks and live stream.
    case candidate

    /// Roles an account can have (candidates have invitations, not accounts).
    public static let staff: [Role] = [.admin, .proctor, .reviewer]

    public var permissions: Set<Permission> {
        switch self {
        case .admin: Set(Permission.allCases).subtracting([.takeExam])
        case .proctor: [.watchLive, .review, .readMetrics]
        case .reviewer: [.review]
        case .candidate: [.takeExam]
        }
    }

    public func can(_ permission: Permission) -> Bool { permissions.contains(permission) }
}

/// What a route needs. Routes ask for a permission, never for a role, so the role table above is
/// the single place that says who may do what.
public enum Permission: String, Sendable, Hashable, Codable, CaseIterable {
    /// Create sessions and invitation links.
    case manageExams = "manage_exams"
    case manageUsers = "manage_users"
    /// Accommodation profiles per candidate.
    case manageAccommodations = "manage_accommodations"
    /// Delete a session and everything captured in it.
    case deleteSessions = "delete_sessions"
    case readAudit = "read_audit"
    /// The live grid, live snapshots and the live session list.
    case watchLive = "watch_live"
    /// Sessions, events, evidence, video, decisions, notes, reviewed marker, exports.
    case review
    case readMetrics = "read_metrics"
    /// The candidate's own session (checked against the invitation's session id as well).
    case takeExam = "take_exam"
}
