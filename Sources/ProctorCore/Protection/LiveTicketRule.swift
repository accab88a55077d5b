import Foundation

/// When a live ticket opens a socket: for its own session, before it expires, once. The
/// invitation token stays out of URLs (proxies and browser history record them); a ticket that
/// leaks is worth one connection for `lifetime` seconds.
public struct LiveTicketRule: Sendable, Hashable {
    /// Seconds a ticket stays valid after it was issued.
    public let lifetime: Double

    public init(lifetime: Double) {
        self.lifetime = lifetime
    }

    /// When a ticket issued at `issuedAt` stops working.
    public func expiry(issuedAt: Date) -> Date { issuedAt.addingTimeInterval(lifetime) }

    /// Why a redeemed ticket does not open `sessionId` at `now`, or nil when it does.
    public func refusal(ticketSession: String, expiresAt: Date, for sessionId: String, now: Date) -> Refusal? {
        if ticketSession != sessionId { return .otherSession }
        if now >= expiresAt { return .expired }
        return nil
    }

    public enum Refusal: String, Sendable, Hashable {
        /// Unknown, or already used once (redeeming removes it).
        case unknown
        case expired
        case otherSession
    }
}
