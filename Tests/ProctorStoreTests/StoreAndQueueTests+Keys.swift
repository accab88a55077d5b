import Foundation
import ProctorCore
import ProctorStore
import Testing

extension StoreAndQueueTests {
    func wrapped(_ session: String, master: String = "m1", key: String = "k") -> WrappedDataKey {
        WrappedDataKey(sessionId: session, masterKeyId: master, wrappedKey: "\(key)-\(session)", createdAt: F.at(1))
    }

    @Test("Data keys: the first stored wins, listed, re-wrapped in place, and deleted with their session (crypto-shredding)", arguments: Backend.all)
    func dataKeys(backend: Backend) async throws {
        try await backend.withStore { store in
            #expect(try await store.dataKey(sessionId: "k1") == nil)
            #expect(try await store.dataKey(sessionId: "k1", orInsert: wrapped("k1")) == wrapped("k1"))
            // A second server's candidate loses: both use the first key.
            #expect(try await store.dataKey(sessionId: "k1", orInsert: wrapped("k1", key: "other")) == wrapped("k1"))
            _ = try await store.dataKey(sessionId: "k0", orInsert: wrapped("k0"))
            #expect(try await store.dataKeys().map(\.sessionId) == ["k0", "k1"])
            #expect(try await store.replaceDataKey(wrapped("k1", master: "m2", key: "again")))
            #expect(try await store.dataKey(sessionId: "k1") == wrapped("k1", master: "m2", key: "again"))
            #expect(try await !store.replaceDataKey(wrapped("none")))
            #expect(try await store.deleteDataKey(sessionId: "k0"))
            #expect(try await !store.deleteDataKey(sessionId: "k0"))
            // Deleting the session deletes its key with its rows.
            try await store.createRecording(F.recording("k1"), session: F.session("k1"))
            #expect(try await store.deleteSession(sessionId: "k1"))
            #expect(try await store.dataKey(sessionId: "k1") == nil)
            #expect(try await store.dataKeys().isEmpty)
        }
    }

    @Test("Live tickets: redeemed once, expired ones dropped when a new one is stored; settings saved and replaced", arguments: Backend.all)
    func liveTickets(backend: Backend) async throws {
        try await backend.withStore { store in
            let ticket = LiveTicketRecord(
                ticketHash: "h1", sessionId: "s1", callerId: "s1", callerRole: "candidate", callerName: "candidate:s1", tokenHash: "t1",
                expiresAt: F.at(30))
            try await store.storeLiveTicket(ticket, now: F.at(0))
            #expect(try await store.redeemLiveTicket(hash: "h1") == ticket)
            #expect(try await store.redeemLiveTicket(hash: "h1") == nil)
            #expect(try await store.redeemLiveTicket(hash: "unknown") == nil)
            var stale = ticket
            stale.ticketHash = "h2"
            try await store.storeLiveTicket(stale, now: F.at(0))
            var fresh = ticket
            fresh.ticketHash = "h3"
            fresh.expiresAt = F.at(100)
            try await store.storeLiveTicket(fresh, now: F.at(60))
            #expect(try await store.redeemLiveTicket(hash: "h2") == nil, "expired before the later ticket was stored")
            #expect(try await store.redeemLiveTicket(hash: "h3") == fresh)

            #expect(try await store.setting("token_signing_generation") == nil)
            try await store.saveSetting("token_signing_generation", value: "1")
            try await store.saveSetting("token_signing_generation", value: "2")
            #expect(try await store.setting("token_signing_generation") == "2")
        }
    }
}
