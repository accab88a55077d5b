import Foundation
import ProctorCore
import ProctorStore
import Testing

extension StoreAndQueueTests {
    func presence(_ session: String, connection: String, updated: Int, processed: Int = 0, snapshot: Int = 0) -> LivePresenceRecord {
        LivePresenceRecord(
            sessionId: session, serverSessionId: "srv-\(session)", connection: connection, server: "node-a", connectedAt: F.at(0),
            updatedAt: F.at(updated), framesReceived: processed + 1, framesProcessed: processed, framesDropped: 0,
            riskScore: 40, alertLevel: "medium", lastViolation: processed > 0 ? "multiple_people" : nil,
            lastViolationAt: processed > 0 ? F.at(updated) : nil, snapshotVersion: snapshot)
    }

    @Test("Live presence: published, updated in place, fresh ones listed, removed only by its own connection", arguments: Backend.all)
    func livePresence(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.publishPresence([])
            try await store.publishPresence([presence("a", connection: "c1", updated: 10), presence("b", connection: "c2", updated: 3)])
            try await store.publishPresence([presence("a", connection: "c1", updated: 12, processed: 7, snapshot: 2)])
            let fresh = try await store.presence(updatedSince: F.at(5))
            #expect(fresh == [presence("a", connection: "c1", updated: 12, processed: 7, snapshot: 2)])
            #expect(try await store.presence(updatedSince: F.at(0)).map(\.sessionId) == ["a", "b"])
            // A reconnect took over "a": the old connection's removal does nothing.
            try await store.publishPresence([presence("a", connection: "c3", updated: 13)])
            try await store.removePresence(sessionId: "a", connection: "c1")
            #expect(try await store.presence(updatedSince: F.at(5)).map(\.connection) == ["c3"])
            try await store.removePresence(sessionId: "a", connection: "c3")
            #expect(try await store.presence(updatedSince: F.at(5)).isEmpty)
        }
    }
}
