import Foundation

/// The wrapped data keys of sessions, the live tickets and the server-wide settings that protect
/// them. Wrapped keys are useless without the master key, which never enters the database.
public protocol KeyStore: Sendable {
    /// The session's wrapped data key, nil when it has none (yet, or any more: crypto-shredded).
    func dataKey(sessionId: String) async throws -> WrappedDataKey?
    /// The session's key, storing `candidate` first if there is none: every server and worker of a
    /// deployment gets the same key, whoever made it.
    func dataKey(sessionId: String, orInsert candidate: WrappedDataKey) async throws -> WrappedDataKey
    /// Every wrapped key (for `proctor keys rotate`), in session order.
    func dataKeys() async throws -> [WrappedDataKey]
    /// Replaces a key re-wrapped by another master key; false when the session has none any more.
    @discardableResult
    func replaceDataKey(_ key: WrappedDataKey) async throws -> Bool
    /// Forgets the session's key (its blobs can no longer be read anywhere).
    @discardableResult
    func deleteDataKey(sessionId: String) async throws -> Bool

    /// Stores a new live ticket (and drops tickets that expired before `now`).
    func storeLiveTicket(_ ticket: LiveTicketRecord, now: Date) async throws
    /// Takes the ticket with this hash out of the store, atomically: of two servers redeeming the
    /// same ticket, one gets it. Nil when unknown or already used.
    func redeemLiveTicket(hash: String) async throws -> LiveTicketRecord?

    /// A server-wide setting, nil when unset.
    func setting(_ name: String) async throws -> String?
    func saveSetting(_ name: String, value: String) async throws
}

/// A session's data key, sealed (AES-GCM) by the master key `masterKeyId`.
public struct WrappedDataKey: Sendable, Hashable, Codable {
    public var sessionId: String
    /// Which master key sealed it (a digest of the key, never the key): rotation finds what to re-wrap.
    public var masterKeyId: String
    /// Base64 of nonce, ciphertext and tag.
    public var wrappedKey: String
    public var createdAt: Date

    public init(sessionId: String, masterKeyId: String, wrappedKey: String, createdAt: Date) {
        self.sessionId = sessionId
        self.masterKeyId = masterKeyId
        self.wrappedKey = wrappedKey
        self.createdAt = createdAt
    }
}

/// A single-use ticket for one live connection. Only its hash is stored: the database does not
/// hold a usable ticket either.
public struct LiveTicketRecord: Sendable, Hashable, Codable {
    public var ticketHash: String
    public var sessionId: String
    /// Who asked for it, as the socket will see them: a candidate (the session id) or a staff user.
    public var callerId: String
    public var callerRole: String
    public var callerName: String
    /// The fingerprint of the token it was asked with: a candidate's must still be the session's
    /// current invitation when the ticket is used.
    public var tokenHash: String
    public var expiresAt: Date

    public init(ticketHash: String, sessionId: String, callerId: String, callerRole: String, callerName: String, tokenHash: String, expiresAt: Date) {
        self.ticketHash = ticketHash
        self.sessionId = sessionId
        self.callerId = callerId
        self.callerRole = callerRole
        self.callerName = callerName
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }
}
