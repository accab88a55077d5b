/// Accounts, tokens and the limits that protect them.
public struct AuthConfiguration: Sendable, Hashable, Codable {
    /// How long a staff login lasts (cookie and bearer token).
    public var sessionHours = 8.0
    /// How long a candidate's invitation link works.
    public var invitationHours = 72.0
    /// Mark cookies `Secure`. Turn on behind TLS; requests that arrive with `X-Forwarded-Proto: https`
    /// get `Secure` cookies regardless.
    public var secureCookies = false
    /// `/metrics` takes `Authorization: Bearer <metrics_token>` when set; a logged-in admin or
    /// proctor may always read it.
    public var metricsToken = ""
    /// Serve `/metrics` to anyone. Off: the counters tell who is taking exams and when, so by default
    /// they need the token or a staff login; turn on for a Prometheus inside a private network.
    public var openMetrics = false
    /// After the token signing key is rotated (`proctor keys rotate`), tokens signed with the previous
    /// key keep working this long, so a rotation does not log everyone out at once. 24 h: longer
    /// than a staff login (8 h); invitations older than this need a new link.
    public var signingKeyGraceHours = 24.0
    /// Seconds a live ticket (`POST /api/live/ticket`) stays valid. 30 s: a page asks for one just
    /// before it connects; a ticket that leaks from a log is stale by the time anyone reads it.
    public var liveTicketSeconds = 30.0
    /// Accept the invitation (or a login) token as `?token=` on the live socket, for clients older
    /// than live tickets; every such connection is logged with a warning. Off: URLs are recorded by
    /// proxies and browser history, and the token lives for days.
    public var allowTokenInLiveUrl = false
    /// Failed logins allowed per client address per minute before 429.
    public var loginAttemptsPerMinute = 10
    /// scrypt cost (N = 2^costLog2, r = 8, p = 1): 15 uses 32 MiB and ~0.1 s per hash on this machine.
    public var scryptCostLog2 = 15

    public init() {}
}
