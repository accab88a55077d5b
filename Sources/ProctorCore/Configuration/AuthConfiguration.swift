/// Accounts, tokens and the limits that protect them.
public struct AuthConfiguration: Sendable, Hashable, Codable {
    /// How long a staff login lasts (cookie and bearer token).
    public var sessionHours = 8.0
    /// How long a candidate's invitation link works.
    public var invitationHours = 72.0
    /// Mark cookies `Secure`. Turn on behind TLS; requests that arrive with `X-Forwarded-Proto: https`
    /// get `Secure` cookies regardless.
    public var secureCookies = false
    /// When set, `/metrics` needs `Authorization: Bearer <metrics_token>` (or a logged-in admin or
    /// proctor); when empty it is open, for a Prometheus inside a private network.
    public var metricsToken = ""
    /// Failed logins allowed per client address per minute before 429.
    public var loginAttemptsPerMinute = 10
    /// scrypt cost (N = 2^costLog2, r = 8, p = 1): 15 uses 32 MiB and ~0.1 s per hash on this machine.
    public var scryptCostLog2 = 15

    public init() {}
}
