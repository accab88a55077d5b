import Foundation
import ProctorCore
import ProctorStore
import Testing

extension StoreAndQueueTests {
    /// A finished recorded session with a file of every kind: master, batch, chunks, reference photo,
    /// event snapshots and live evidence.
    private func populate(_ store: any DataStore, _ id: String, endedAt: Date?) async throws {
        var recording = F.recording(id)
        recording.referenceKey = "reference/\(id).jpg"
        recording.referenceEmbedding = [1, 2]
        recording.masterKey = "master/\(id).mp4"
        try await store.createRecording(recording, session: F.session(id, endedAt: endedAt))
        for index in 0..<2 {
            var chunk = try await store.addChunk(F.chunk(id, index), at: F.t0).chunk
            chunk.batchKey = "batches/\(id)/0.mp4"
            try await store.updateChunk(chunk)
        }
        try await store.replaceFindings(
            sessionId: id, chunkIndex: 0,
            with: [
                F.event("\(id)-e1", id, chunk: 0, offset: 1, evidence: "events/\(id)/e1.jpg"),
                F.event("\(id)-e2", id, chunk: 0, offset: 2),
            ])
        try await store.apply([
            .detection(F.detection(id, 1, processingMs: 5)),
            .finding(F.violation("\(id)-v1", id, start: 1, evidence: "evidence/\(id)/v1.jpg")),
            .finding(F.violation("\(id)-v2", id, start: 2)),
            .summary(F.summary(id, frames: 5)),
        ])
        try await store.addMilestone(MilestoneRecord(sessionId: id, kind: .finalized, at: F.t0))
        #expect(try await store.acquireLock("session:\(id)", owner: "worker", now: F.t0, expiresAt: F.at(3600)))
    }

    @Test("Purge targets, candidates and markers; deleting a session", arguments: Backend.all)
    func privacy(backend: Backend) async throws {
        try await backend.withStore { store in
            try await populate(store, "p1", endedAt: F.at(100))
            try await populate(store, "p2", endedAt: F.at(300))
            try await populate(store, "p3", endedAt: nil)

            let everything = try #require(try await store.purgeTarget(sessionId: "p1"))
            // Live evidence is a blob like every other file (one finding model, one purge path).
            #expect(
                everything.blobKeys == [
                    "batches/p1/0.mp4", "chunks/p1/0.webm", "chunks/p1/1.webm", "events/p1/e1.jpg", "evidence/p1/v1.jpg",
                    "master/p1.mp4", "reference/p1.jpg",
                ])
            #expect(try await store.purgeTarget(sessionId: "missing") == nil)

            let video = try await store.purgeCandidates(.video, endedBefore: F.at(200), limit: 10)
            #expect(video == [PurgeTarget(sessionId: "p1", blobKeys: ["batches/p1/0.mp4", "chunks/p1/0.webm", "chunks/p1/1.webm", "master/p1.mp4"])])
            #expect(try await store.purgeCandidates(.video, endedBefore: F.at(1000), limit: 10).map(\.sessionId) == ["p1", "p2"])
            #expect(try await store.purgeCandidates(.video, endedBefore: F.at(1000), limit: 1).map(\.sessionId) == ["p1"])
            #expect(try await store.purgeCandidates(.faceData, endedBefore: F.at(1000), limit: 10).first?.blobKeys == ["reference/p1.jpg"])
            #expect(
                try await store.purgeCandidates(.evidence, endedBefore: F.at(1000), limit: 10).first
                    == PurgeTarget(sessionId: "p1", blobKeys: ["events/p1/e1.jpg", "evidence/p1/v1.jpg"]))

            try await store.markPurged(.video, sessionId: "p1", at: F.at(500))
            #expect(try await store.recording(sessionId: "p1")?.masterKey == nil)
            #expect(try await store.recording(sessionId: "p1")?.referenceKey == "reference/p1.jpg")
            #expect(try await store.chunks(sessionId: "p1").allSatisfy { $0.batchKey == nil })
            #expect(try await store.purgeCandidates(.video, endedBefore: F.at(1000), limit: 10).map(\.sessionId) == ["p2"])
            #expect(try await store.purgeCandidates(.evidence, endedBefore: F.at(1000), limit: 10).map(\.sessionId) == ["p1", "p2"])

            try await store.markPurged(.evidence, sessionId: "p1", at: F.at(500))
            #expect(try await store.findings(sessionId: "p1").filter { $0.source == .recorded }.allSatisfy { $0.evidenceKey == nil })
            #expect(try await store.findings(sessionId: "p1").filter { $0.source == .live }.allSatisfy { $0.evidenceKey == nil })
            #expect(try await store.purgeCandidates(.evidence, endedBefore: F.at(1000), limit: 10).map(\.sessionId) == ["p2"])

            try await store.markPurged(.faceData, sessionId: "p1", at: F.at(500))
            let purged = try #require(try await store.recording(sessionId: "p1"))
            #expect(purged.referenceKey == nil)
            #expect(purged.referenceEmbedding == nil)
            #expect(try await store.purgeTarget(sessionId: "p1") == PurgeTarget(sessionId: "p1", blobKeys: ["chunks/p1/0.webm", "chunks/p1/1.webm"]))

            #expect(try await store.deleteSession(sessionId: "p1"))
            #expect(try await store.session("p1") == nil)
            #expect(try await store.recording(sessionId: "p1") == nil)
            #expect(try await store.chunks(sessionId: "p1").isEmpty)
            #expect(try await store.jobs(sessionId: "p1").isEmpty)
            #expect(try await store.findings(sessionId: "p1").filter { $0.source == .recorded }.isEmpty)
            #expect(try await store.milestones(sessionId: "p1").isEmpty)
            #expect(try await store.findings(sessionId: "p1").filter { $0.source == .live }.isEmpty)
            #expect(try await store.detectionCount(sessionId: "p1") == 0)
            #expect(try await store.purgeTarget(sessionId: "p1") == nil)
            #expect(try await store.acquireLock("session:p1", owner: "someone else", now: F.at(1), expiresAt: F.at(2)))
            #expect(try await !store.deleteSession(sessionId: "p1"))

            // The other sessions are untouched.
            #expect(try await store.session("p2") != nil)
            #expect(try await store.chunks(sessionId: "p2").count == 2)
            #expect(try await !store.acquireLock("session:p2", owner: "someone else", now: F.at(1), expiresAt: F.at(2)))
        }
    }
}
