import Foundation
import PostgresNIO
import ProctorCore
import ProctorStore
import ProctorStorePostgres
import Testing

/// What only the PostgreSQL store does: wake workers with NOTIFY, migrate safely from several servers.
/// Runs when `PROCTOR_TEST_DATABASE_URL` is set (and fails, not skips, when that server is unreachable).
@Suite("PostgreSQL store", .serialized, .enabled(if: Backend.databaseURL != nil))
struct PostgresStoreTests {
    var serverURL: String { Backend.databaseURL ?? "" }

    @Test("waitForJobs returns when another connection enqueues a job")
    func wakeUpOnNotify() async throws {
        try await TestDatabase.with(serverURL: serverURL) { url in
            try await TestDatabase.withRunningStore(url) { waiter in
                try await TestDatabase.withRunningStore(url, migrate: false) { producer in
                    let clock = ContinuousClock()
                    // Without a job, the wait lasts its whole interval.
                    let quiet = await clock.measure { await waiter.waitForJobs(upTo: 1) }
                    #expect(quiet >= .milliseconds(900))

                    // The producer keeps enqueueing (one new job every 250 ms) so that the test does not
                    // depend on when the waiter's LISTEN got established; a notification must end the
                    // wait long before its 10 s.
                    let enqueueing = Task {
                        var index = 0
                        while !Task.isCancelled {
                            try await producer.enqueue(Fixtures.job(.processChunk, "wake", chunk: index))
                            index += 1
                            try await Task.sleep(for: .milliseconds(250))
                        }
                    }
                    let waited = await clock.measure { await waiter.waitForJobs(upTo: 10) }
                    enqueueing.cancel()
                    _ = await enqueueing.result
                    #expect(waited < .seconds(5), "woke after \(waited)")
                    let enqueued = try await waiter.jobs(sessionId: "wake")
                    #expect(!enqueued.isEmpty)
                }
            }
        }
    }

    @Test("Two servers migrating a new database at once both succeed")
    func concurrentMigrations() async throws {
        try await TestDatabase.with(serverURL: serverURL) { url in
            try await TestDatabase.withRunningStore(url, migrate: false) { first in
                try await TestDatabase.withRunningStore(url, migrate: false) { second in
                    async let a: Void = first.migrate()
                    async let b: Void = second.migrate()
                    _ = try await (a, b)
                    // Again: nothing left to do.
                    try await first.migrate()

                    let versions = try await TestDatabase.admin(url) { connection in
                        try await connection.query("SELECT version, name FROM schema_migrations ORDER BY version", logger: TestDatabase.logger)
                            .collect().map { try $0.decode((Int, String).self) }
                    }
                    #expect(versions.map(\.0) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
                    #expect(versions.first?.1 == "v1: sessions, detections, violations, summaries")
                    #expect(versions.last?.1 == "v10: session data keys, live tickets")

                    let session = try await second.openSession(externalId: "after-migration", at: Fixtures.t0, metadata: [:])
                    #expect(try await first.session("after-migration")?.session == session)
                }
            }
        }
    }

    @Test("Errors inside a transaction surface as the database's own error")
    func transactionErrors() async throws {
        try await TestDatabase.with(serverURL: serverURL) { url in
            try await TestDatabase.withRunningStore(url) { store in
                let user = UserRecord(id: "u1", username: "alice", role: .admin, passwordHash: "x", createdAt: Fixtures.t0)
                try await store.createUser(user)
                let error = await #expect(throws: PSQLError.self) { try await store.createUser(user) }
                #expect(error?.serverInfo?[.sqlState] == "23505")  // unique_violation
                // A failed transaction leaves nothing behind.
                let recording = Fixtures.recording("r1")
                try await store.createRecording(recording, session: Fixtures.session("r1"))
                await #expect(throws: PSQLError.self) {
                    try await store.createRecording(Fixtures.recording("r2"), session: Fixtures.session("r1"))
                }
                #expect(try await store.recording(sessionId: "r2") == nil)
            }
        }
    }
}
