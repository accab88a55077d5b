import Foundation
import ProctorCore
import ProctorStore
import Testing

extension StoreAndQueueTests {
    @Test("A chunk completes with its findings at once: the chunk is processed whenever its findings are visible", arguments: Backend.all)
    func completeChunk(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.createRecording(F.recording("c1"), session: F.session("c1"))
            var chunk = try await store.addChunk(F.chunk("c1", 0), at: F.at(1)).chunk
            let first = F.event("first", "c1", chunk: 0, offset: 0, type: .identityMismatch)
            // An earlier attempt's findings are replaced.
            try await store.replaceFindings(sessionId: "c1", chunkIndex: 0, with: [F.event("stale", "c1", chunk: 0, offset: 3)])
            chunk.status = .processed
            chunk.duration = 20
            try await store.completeChunk(chunk, findings: [first])
            #expect(try await store.findings(sessionId: "c1").map(\.id) == ["first"])
            let stored = try await store.chunks(sessionId: "c1")
            #expect(stored.map(\.status) == [.processed])
            #expect(stored.first?.duration == 20)
            // Placed on the timeline from the first moment: 0 s into chunk 0 is 0 s of the video.
            let timeline = RecordingTimeline(records: stored, lastIndex: nil)
            #expect(timeline.time(chunk: 0, offset: first.chunkStart ?? -1) == 0)
            // A chunk that does not exist is an error, and its findings are not kept either.
            var missing = F.chunk("c1", 7)
            missing.status = .processed
            await #expect(throws: (any Error).self) {
                try await store.completeChunk(missing, findings: [F.event("orphan", "c1", chunk: 7, offset: 0)])
            }
            #expect(try await store.findings(sessionId: "c1").map(\.id) == ["first"])
        }
    }
}

@Suite("Findings joined across chunks")
struct FindingJoinTests {
    func piece(_ id: String, chunk: Int, start: Double, end: Double, frames: Int, looked: Int, strength: Double) -> FindingRecord {
        var finding = FindingRecord(
            id: id, sessionId: "s", source: .recorded, type: .identityMismatch, severity: 40,
            confidence: FindingConfidence.episode(strength: strength, frames: frames, lookedAt: looked), frames: frames,
            evidenceKey: "sessions/s/evidence/\(id).jpg", createdAt: Date(timeIntervalSince1970: 0))
        finding.chunkIndex = chunk
        finding.chunkStart = start - Double(chunk) * 20
        finding.chunkEnd = end - Double(chunk) * 20
        finding.videoStart = start
        finding.videoEnd = end
        finding.details.strength = strength
        finding.details.lookedAtFrames = looked
        finding.details.lowestSimilarity = 0.1 + Double(chunk) / 10
        finding.details.verdict = .different
        return finding
    }

    @Test("pieces become one finding from the first start to the last end; confidence from all their frames; a decision is kept")
    func join() throws {
        let a = piece("a", chunk: 0, start: 13, end: 19.5, frames: 13, looked: 13, strength: 0.8)
        var b = piece("b", chunk: 1, start: 19.6, end: 22.1, frames: 5, looked: 6, strength: 0.5)
        b.decision = .confirmed
        b.note = "not the candidate"
        let joined = try #require(FindingRecord.joined([a, b]))
        #expect(joined.id == "a")
        #expect(joined.videoStart == 13 && joined.videoEnd == 22.1)
        #expect(joined.frames == 18)
        #expect(joined.details.lookedAtFrames == 19)
        #expect(joined.details.joinedChunks == [0, 1])
        #expect(joined.details.lowestSimilarity == 0.1)
        #expect(joined.evidenceKey == a.evidenceKey)
        let strength = (0.8 * 13 + 0.5 * 5) / 18
        #expect(joined.confidence == FindingConfidence.episode(strength: strength, frames: 18, lookedAt: 19))
        #expect(joined.decision == .confirmed && joined.note == "not the candidate")
        #expect(abs(joined.duration - 9.1) < 1e-9)
        #expect(FindingRecord.joined([a]) == a)
        #expect(FindingRecord.joined([]) == nil)
    }
}
