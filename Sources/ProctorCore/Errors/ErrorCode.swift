/// Every error code the server sends, over HTTP and over the live WebSocket: one list, so a client
/// switches on one set of strings.
public enum ErrorCode: String, Sendable, Hashable, Codable, CaseIterable {
    // Requests and bodies
    case badRequest = "bad_request"
    case invalidJSON = "invalid_json"
    case missingField = "missing_field"
    case invalidField = "invalid_field"
    case tooLarge = "too_large"
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case conflict
    case rangeNotSatisfiable = "range_not_satisfiable"
    /// A plain HTTP request to the live WebSocket's path.
    case upgradeRequired = "upgrade_required"
    case rateLimited = "rate_limited"
    case internalError = "internal_error"
    case unavailable
    // Access
    case loginRequired = "login_required"
    case invalidToken = "invalid_token"
    case expiredToken = "expired_token"
    /// A live ticket that is unknown, already used, expired or for another session.
    case invalidTicket = "invalid_ticket"
    /// A token in the live socket's URL (`?token=`), refused unless `auth.allow_token_in_live_url`.
    case tokenInURL = "token_in_url"
    case invalidCredentials = "invalid_credentials"
    case forbidden
    case originNotAllowed = "origin_not_allowed"
    case selfLockout = "self_lockout"
    case usernameTaken = "username_taken"
    case weakPassword = "weak_password"
    // Recorded sessions
    case consentRequired = "consent_required"
    case consentIncomplete = "consent_incomplete"
    case referenceRejected = "reference_rejected"
    case calibrationRejected = "calibration_rejected"
    case checksumMismatch = "checksum_mismatch"
    case chunkConflict = "chunk_conflict"
    case sessionEnded = "session_ended"
    case sessionFinalized = "session_finalized"
    case modelsUnavailable = "models_unavailable"
    // Live WebSocket messages (README, "Live protocol")
    case unknownType = "unknown_type"
    case invalidBase64 = "invalid_base64"
    case frameTooLarge = "frame_too_large"
    case notAnImage = "not_an_image"
    case imageTooLarge = "image_too_large"
    case invalidSessionId = "invalid_session_id"

    /// The code for an HTTP status when nothing more specific is known (Hummingbird's own errors).
    public init(status: Int) {
        self =
            switch status {
            case 400: .badRequest
            case 401: .loginRequired
            case 403: .forbidden
            case 404: .notFound
            case 405: .methodNotAllowed
            case 409: .conflict
            case 413: .tooLarge
            case 416: .rangeNotSatisfiable
            case 426: .upgradeRequired
            case 429: .rateLimited
            case 503: .unavailable
            default: status >= 500 ? .internalError : .badRequest
            }
    }
}
