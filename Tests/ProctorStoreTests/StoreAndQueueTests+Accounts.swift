import Foundation
import ProctorCore
import ProctorStore
import Testing

extension StoreAndQueueTests {
    @Test("Users: create, look up, update; usernames are unique", arguments: Backend.all)
    func users(backend: Backend) async throws {
        try await backend.withStore { store in
            let carol = UserRecord(id: "u1", username: "carol", role: .proctor, passwordHash: "scrypt$1", createdAt: F.t0)
            let alice = UserRecord(id: "u2", username: "alice", role: .admin, passwordHash: "scrypt$2", createdAt: F.at(1))
            let zed = UserRecord(id: "u3", username: "Zed", role: .reviewer, passwordHash: "scrypt$3", createdAt: F.at(2))
            for user in [carol, alice, zed] { try await store.createUser(user) }

            #expect(try await store.user(username: "alice") == alice)
            #expect(try await store.user(id: "u1") == carol)
            #expect(try await store.user(username: "nobody") == nil)
            #expect(try await store.user(id: "u9") == nil)
            // Byte order, capitals first, on both backends.
            #expect(try await store.users().map(\.username) == ["Zed", "alice", "carol"])
            #expect(try await store.userCount() == 3)

            var disabled = carol
            disabled.role = .reviewer
            disabled.disabledAt = F.at(5)
            try await store.updateUser(disabled)
            #expect(try await store.user(id: "u1") == disabled)

            let duplicate = UserRecord(id: "u4", username: "alice", role: .proctor, passwordHash: "x", createdAt: F.t0)
            await #expect(throws: (any Error).self) { try await store.createUser(duplicate) }
            await #expect(throws: (any Error).self) {
                try await store.updateUser(UserRecord(id: "u9", username: "ghost", role: .proctor, passwordHash: "x", createdAt: F.t0))
            }
            #expect(try await store.userCount() == 3)
        }
    }

    @Test("A setting keeps the first value stored", arguments: Backend.all)
    func settings(backend: Backend) async throws {
        try await backend.withStore { store in
            #expect(try await store.setting("signing_key", orInsert: "first") == "first")
            #expect(try await store.setting("signing_key", orInsert: "second") == "first")
            #expect(try await store.setting("other", orInsert: "third") == "third")

            // Servers starting together all end with one value.
            let values = try await withThrowingTaskGroup(of: String.self) { group in
                for n in 0..<4 { group.addTask { try await store.setting("race", orInsert: "v\(n)") } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(values.count == 1)
        }
    }

    @Test("Audit log: newest first, filtered, paged with before", arguments: Backend.all)
    func audit(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.appendAudit([])
            let entries = [
                AuditRecord(at: F.at(0), actor: "alice", role: "admin", action: "login", target: "user:alice", ip: "10.0.0.1"),
                AuditRecord(at: F.at(1), actor: "alice", role: "admin", action: "view_session", target: "s1"),
                AuditRecord(at: F.at(2), actor: "bob", role: "reviewer", action: "decision", target: "s1", details: ["decision": "confirmed"]),
                AuditRecord(at: F.at(3), actor: "bob", role: "reviewer", action: "view_session", target: "s2"),
            ]
            try await store.appendAudit(entries)
            try await store.appendAudit([AuditRecord(at: F.at(4), actor: "system", role: "admin", action: "export", target: "s1")])

            let all = try await store.audit(limit: 10, before: nil, action: nil, target: nil)
            #expect(all.map(\.action) == ["export", "view_session", "decision", "view_session", "login"])
            let ids = all.compactMap(\.id)
            #expect(ids.count == 5)
            #expect(ids == ids.sorted(by: >))
            var login = entries[0]
            login.id = ids.last
            #expect(all.last == login)
            #expect(all[2].details == ["decision": "confirmed"])

            #expect(try await store.audit(limit: 10, before: nil, action: "view_session", target: nil).map(\.target) == ["s2", "s1"])
            #expect(try await store.audit(limit: 10, before: nil, action: nil, target: "s1").map(\.action) == ["export", "decision", "view_session"])
            #expect(try await store.audit(limit: 10, before: nil, action: "view_session", target: "s1").count == 1)
            #expect(try await store.audit(limit: 10, before: nil, action: "nothing", target: nil).isEmpty)

            let page1 = try await store.audit(limit: 2, before: nil, action: nil, target: nil)
            #expect(page1.map(\.action) == ["export", "view_session"])
            let page2 = try await store.audit(limit: 2, before: page1.last?.id, action: nil, target: nil)
            #expect(page2.map(\.action) == ["decision", "view_session"])
            let page3 = try await store.audit(limit: 2, before: page2.last?.id, action: nil, target: nil)
            #expect(page3.map(\.action) == ["login"])
            #expect(try await store.audit(limit: 2, before: page3.last?.id, action: nil, target: nil).isEmpty)
            #expect(try await store.audit(limit: 10, before: page1.last?.id, action: nil, target: "s1").map(\.action) == ["decision", "view_session"])
        }
    }

    @Test("Accommodations: saved, replaced, deleted by an empty profile; the exam's own one wins", arguments: Backend.all)
    func accommodations(backend: Backend) async throws {
        try await backend.withStore { store in
            let general = Accommodation(candidateId: "c1", scales: ["looking_away": 0.5], note: "screen magnifier")
            let specific = Accommodation(candidateId: "c1", examId: "exam-1", scales: ["no_face": 0, "looking_away": 0.25])
            try await store.saveAccommodation(general)
            try await store.saveAccommodation(specific)
            #expect(try await store.accommodation(candidateId: "c1", examId: "exam-1") == specific)
            #expect(try await store.accommodation(candidateId: "c1", examId: "exam-2") == general)
            #expect(try await store.accommodation(candidateId: "c2", examId: "exam-1") == nil)

            let replaced = Accommodation(candidateId: "c1", scales: ["looking_away": 0.75], note: "updated")
            try await store.saveAccommodation(replaced)
            #expect(try await store.accommodation(candidateId: "c1", examId: "exam-2") == replaced)

            let other = Accommodation(candidateId: "c0", scales: ["cell_phone": 0])
            try await store.saveAccommodation(other)
            #expect(try await store.accommodations() == [other, replaced, specific])

            try await store.saveAccommodation(Accommodation(candidateId: "c1", examId: "exam-1", scales: [:]))
            #expect(try await store.accommodation(candidateId: "c1", examId: "exam-1") == replaced)
            #expect(try await store.accommodations() == [other, replaced])
            try await store.saveAccommodation(Accommodation(candidateId: "c9", scales: [:]))
            #expect(try await store.accommodations().count == 2)
        }
    }
}
