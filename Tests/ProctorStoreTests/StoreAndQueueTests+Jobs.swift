import Foundation
import ProctorCore
import ProctorStore
import Testing

extension StoreAndQueueTests {
    @Test("Enqueue skips a job already waiting or running", arguments: Backend.all)
    func enqueueDedupe(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.enqueue(F.job(.finalize, "s1"))
            try await store.enqueue(F.job(.finalize, "s1"))
            #expect(try await store.jobs(sessionId: "s1").count == 1)

            // Another chunk, kind or session is another job.
            try await store.enqueue(F.job(.processChunk, "s1", chunk: 0))
            try await store.enqueue(F.job(.processChunk, "s1", chunk: 1))
            try await store.enqueue(F.job(.finalize, "s2"))
            #expect(try await store.jobs(sessionId: "s1").count == 3)

            // Running still counts as pending.
            let claimed = try #require(try await store.claimJob(kinds: [.finalize], owner: "w1", now: F.t0, policy: JobPolicy()))
            #expect(claimed.sessionId == "s1")
            try await store.enqueue(F.job(.finalize, "s1"))
            #expect(try await store.jobs(sessionId: "s1").count == 3)

            // Once done, the same work can be queued again.
            var done = claimed
            done.apply(claimed.state.completed(), at: F.at(1))
            #expect(try await store.finishJob(done, owner: "w1"))
            try await store.enqueue(F.job(.finalize, "s1"))
            let jobs = try await store.jobs(sessionId: "s1")
            #expect(jobs.count == 4)
            #expect(jobs.map(\.kind) == [.finalize, .processChunk, .processChunk, .finalize])
            #expect(jobs.map(\.status) == [.done, .queued, .queued, .queued])
        }
    }

    @Test("Concurrent claimers take each job exactly once", arguments: Backend.all)
    func claimIsAtomic(backend: Backend) async throws {
        try await backend.withStore { store in
            for index in 0..<20 { try await store.enqueue(F.job(.processChunk, "s1", chunk: index)) }
            let claims = try await withThrowingTaskGroup(of: [JobRecord].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var mine: [JobRecord] = []
                        while let job = try await store.claimJob(kinds: [.processChunk], owner: "w\(worker)", now: F.t0, policy: JobPolicy()) {
                            mine.append(job)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claims.count == 20)
            #expect(Set(claims.compactMap(\.id)).count == 20)
            #expect(Set(claims.map(\.chunkIndex)) == Set(0..<20))
            #expect(claims.allSatisfy { $0.status == .running && $0.attempts == 1 && $0.leaseOwner?.hasPrefix("w") == true })
            let stored = try await store.jobs(sessionId: "s1")
            #expect(stored.allSatisfy { $0.status == .running && $0.attempts == 1 })
            // Each stored owner is the worker that got the job.
            let owners = Dictionary(uniqueKeysWithValues: claims.map { ($0.id!, $0.leaseOwner!) })
            #expect(stored.allSatisfy { owners[$0.id!] == $0.leaseOwner })
        }
    }

    @Test("Leases: due order, expiry reclaim, heartbeat and finish only for the holder", arguments: Backend.all)
    func leases(backend: Backend) async throws {
        try await backend.withStore { store in
            var policy = JobPolicy()
            policy.leaseSeconds = 30
            let start = F.t0.timeIntervalSince1970
            try await store.enqueue(F.job(.processChunk, "s1", chunk: 1, runAfter: start + 100))
            try await store.enqueue(F.job(.processChunk, "s1", chunk: 0, runAfter: start))
            try await store.enqueue(F.job(.mergeBatch, "s1", runAfter: start))

            let first = try #require(try await store.claimJob(kinds: [.processChunk], owner: "w1", now: F.t0, policy: policy))
            #expect(first.chunkIndex == 0)
            #expect(first.status == .running)
            #expect(first.attempts == 1)
            #expect(first.leaseOwner == "w1")
            #expect(first.leaseExpiresAt == start + 30)
            #expect(first.updatedAt == F.t0)
            let id = try #require(first.id)

            // Chunk 1 is not due and chunk 0 is leased.
            #expect(try await store.claimJob(kinds: [.processChunk], owner: "w2", now: F.at(10), policy: policy) == nil)
            #expect(try await !store.heartbeat(jobId: id, owner: "w2", now: F.at(10), policy: policy))
            #expect(try await store.heartbeat(jobId: id, owner: "w1", now: F.at(10), policy: policy))
            #expect(try await store.jobs(sessionId: "s1").first { $0.id == id }?.leaseExpiresAt == start + 40)
            #expect(try await store.claimJob(kinds: [.processChunk], owner: "w2", now: F.at(39), policy: policy) == nil)

            // The holder went quiet: after expiry another worker takes it over.
            let reclaimed = try #require(try await store.claimJob(kinds: [.processChunk], owner: "w2", now: F.at(41), policy: policy))
            #expect(reclaimed.id == id)
            #expect(reclaimed.attempts == 2)
            #expect(reclaimed.leaseOwner == "w2")
            #expect(try await !store.heartbeat(jobId: id, owner: "w1", now: F.at(42), policy: policy))
            var stale = first
            stale.apply(first.state.completed(), at: F.at(42))
            #expect(try await !store.finishJob(stale, owner: "w1"))

            var retry = reclaimed
            retry.apply(reclaimed.state.failed(at: F.at(43).timeIntervalSince1970, error: "decoder crashed", policy: policy), at: F.at(43))
            #expect(try await store.finishJob(retry, owner: "w2"))
            #expect(try await !store.finishJob(retry, owner: "w2"))
            let stored = try #require(try await store.jobs(sessionId: "s1").first { $0.id == id })
            #expect(stored.status == .queued)
            #expect(stored.leaseOwner == nil)
            #expect(stored.leaseExpiresAt == nil)
            #expect(stored.lastError == "decoder crashed")
            #expect(stored.attempts == 2)
            #expect(stored.runAfter == retry.runAfter)
            #expect(stored.updatedAt == F.at(43))

            // Kinds filter; a job without an id cannot be finished.
            let merge = try #require(try await store.claimJob(kinds: [.mergeBatch, .finalize], owner: "w3", now: F.t0, policy: policy))
            #expect(merge.kind == .mergeBatch)
            #expect(try await store.claimJob(kinds: [.finalize], owner: "w3", now: F.at(1000), policy: policy) == nil)
            #expect(try await !store.finishJob(F.job(), owner: "w3"))
            #expect(try await store.claimJob(kinds: [], owner: "w3", now: F.at(1000), policy: policy) == nil)

            // Due jobs go out by run_after: the retried chunk 0 (at 43 + backoff) before chunk 1 (at 100).
            let next = try #require(try await store.claimJob(kinds: [.processChunk], owner: "w4", now: F.at(1000), policy: policy))
            #expect(next.chunkIndex == 0)
            #expect(next.attempts == 3)
        }
    }

    @Test("Locks: exclusive, re-entrant for the owner, taken over after expiry", arguments: Backend.all)
    func locks(backend: Backend) async throws {
        try await backend.withStore { store in
            let name = "session:x"
            #expect(try await store.acquireLock(name, owner: "a", now: F.t0, expiresAt: F.at(30)))
            #expect(try await !store.acquireLock(name, owner: "b", now: F.at(10), expiresAt: F.at(40)))
            #expect(try await store.acquireLock(name, owner: "a", now: F.at(10), expiresAt: F.at(40)))
            #expect(try await !store.acquireLock(name, owner: "b", now: F.at(35), expiresAt: F.at(65)))
            #expect(try await store.acquireLock(name, owner: "b", now: F.at(41), expiresAt: F.at(70)))
            #expect(try await !store.acquireLock(name, owner: "a", now: F.at(42), expiresAt: F.at(72)))
            #expect(try await store.acquireLock("session:y", owner: "a", now: F.at(42), expiresAt: F.at(72)))

            // Only the owner releases.
            try await store.releaseLock(name, owner: "a")
            #expect(try await !store.acquireLock(name, owner: "c", now: F.at(43), expiresAt: F.at(73)))
            try await store.releaseLock(name, owner: "b")
            #expect(try await store.acquireLock(name, owner: "c", now: F.at(43), expiresAt: F.at(73)))
        }
    }
}
