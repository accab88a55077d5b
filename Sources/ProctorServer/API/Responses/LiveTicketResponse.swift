import Foundation

/// The answer of `POST /api/live/ticket`: the ticket for `/ws/{session_id}?ticket=…`.
struct LiveTicketResponse: Encodable, Sendable {
    var ticket: String
    var sessionId: String
    var expiresAt: Date
    /// Seconds from now.
    var expiresIn: Double
}
