import Foundation

/// Who is connected live, across all servers (see `LivePresenceRecord`).
public protocol LivePresenceStore: Sendable {
    /// Inserts or updates the records (keyed by session id).
    func publishPresence(_ records: [LivePresenceRecord]) async throws
    /// Removes a session's record if it still belongs to `connection`.
    func removePresence(sessionId: String, connection: String) async throws
    /// Records updated at or after `since`; older ones belong to servers that stopped publishing.
    func presence(updatedSince since: Date) async throws -> [LivePresenceRecord]
}
