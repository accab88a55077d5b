import Foundation
import ProctorCore
import ProctorStore
import Testing

/// The store protocols, run against every backend (`Backend.all`): each test gets a new, empty store.
///
/// Serialized: every PostgreSQL test creates a database, and creating many at once only makes the
/// server (and a shared two-core machine) slower.
@Suite("Store and queue", .serialized)
struct StoreAndQueueTests {
    typealias F = Fixtures

    @Test("Sessions open, end and resume by client id", arguments: Backend.all)
    func sessionsOpenAndResume(backend: Backend) async throws {
        try await backend.withStore { store in
            let opened = try await store.openSession(externalId: "live-1", at: F.t0, metadata: ["a": "1"])
            #expect(opened.externalId == "live-1")
            #expect(opened.status == .active)
            #expect(opened.startedAt == F.t0)
            #expect(opened.endedAt == nil)

            try await store.apply([.sessionEnded(sessionId: opened.id, at: F.at(60), status: .disconnected)])
            let ended = try #require(try await store.session("live-1")).session
            #expect(ended.status == .disconnected)
            #expect(ended.endedAt == F.at(60))

            // A reconnect resumes the same session: active again, first start and metadata kept.
            let resumed = try await store.openSession(externalId: "live-1", at: F.at(100), metadata: [:])
            #expect(resumed.id == opened.id)
            #expect(resumed.status == .active)
            #expect(resumed.endedAt == nil)
            #expect(resumed.startedAt == F.t0)
            #expect(resumed.metadata == ["a": "1"])
            #expect(try await store.session(opened.id)?.session == resumed)
            #expect(try await store.session("live-1")?.session == resumed)
            #expect(try await store.session("missing") == nil)

            let other = try await store.openSession(externalId: "live-2", at: F.t0, metadata: [:])
            #expect(other.id != opened.id)
        }
    }

    @Test("Writes apply in order; sessions list newest first with summaries", arguments: Backend.all)
    func applyAndList(backend: Backend) async throws {
        try await backend.withStore { store in
            let a = try await store.openSession(externalId: "a", at: F.t0, metadata: [:])
            let b = try await store.openSession(externalId: "b", at: F.at(10), metadata: [:])
            _ = try await store.openSession(externalId: "c", at: F.at(20), metadata: [:])

            var first = F.violation("v1", a.id, start: 5)
            let second = F.violation("v2", a.id, start: 1, evidence: "evidence/a/v2.jpg")
            try await store.apply([
                .detection(F.detection(a.id, 0.5, processingMs: 10)),
                .detection(F.detection(a.id, 1.0, processingMs: 20)),
                .finding(first),
                .finding(second),
                .summary(F.summary(a.id, frames: 10)),
            ])
            // Saving again replaces: the episode grew and was reviewed, the summary moved on.
            first.sessionEnd = 9
            first.frames = 20
            first.reviewedAt = F.at(8)
            first.decision = .confirmed
            first.note = "phone in hand"
            try await store.apply([
                .finding(first),
                .summary(F.summary(a.id, frames: 20)),
                .sessionEnded(sessionId: a.id, at: F.at(30), status: .completed),
            ])
            try await store.apply([])

            #expect(try await store.detectionCount(sessionId: a.id) == 2)
            #expect(try await store.detectionCount(sessionId: b.id) == 0)
            #expect(try await store.processingTimes(sessionId: a.id).sorted() == [10, 20])
            #expect(try await store.findings(sessionId: a.id) == [second, first])
            #expect(try await store.finding(sessionId: a.id, id: "v1") == first)
            #expect(try await store.finding(sessionId: b.id, id: "v1") == nil)

            let page = try await store.listSessions(limit: 2, offset: 0)
            #expect(page.map(\.session.externalId) == ["c", "b"])
            #expect(page.allSatisfy { $0.summary == nil })
            let rest = try await store.listSessions(limit: 10, offset: 2)
            #expect(rest.map(\.session.externalId) == ["a"])
            #expect(rest.first?.summary == F.summary(a.id, frames: 20))
            #expect(rest.first?.session.status == .completed)
            #expect(rest.first?.session.endedAt == F.at(30))
            #expect(try await store.session("a")?.summary == F.summary(a.id, frames: 20))

            try await store.setReviewed(sessionId: a.id, at: F.at(40))
            #expect(try await store.session(a.id)?.session.reviewedAt == F.at(40))
            try await store.setReviewed(sessionId: a.id, at: nil)
            #expect(try await store.session(a.id)?.session.reviewedAt == nil)
        }
    }

    @Test("Recordings and chunks: adding a chunk is idempotent and enqueues its job", arguments: Backend.all)
    func recordingsAndChunks(backend: Backend) async throws {
        try await backend.withStore { store in
            let session = F.session("r1")
            let recording = F.recording("r1")
            try await store.createRecording(recording, session: session)
            #expect(try await store.recording(sessionId: "r1") == recording)
            #expect(try await store.session("r1")?.session == session)
            await #expect(throws: (any Error).self) { try await store.createRecording(recording, session: session) }

            var updated = recording
            updated.referenceKey = "reference/r1.jpg"
            updated.referenceEmbedding = [0.25, 0.5]
            updated.endRequestedAt = F.at(5)
            updated.lastIndex = 3
            updated.masterKey = "master/r1.mp4"
            updated.masterDuration = 31.5
            updated.finalizedAt = F.at(6)
            updated.gaps = [2]
            updated.consentAt = F.at(1)
            updated.consentVersion = "2024-01"
            try await store.updateRecording(updated)
            #expect(try await store.recording(sessionId: "r1") == updated)
            await #expect(throws: (any Error).self) { try await store.updateRecording(F.recording("missing")) }

            let added = try await store.addChunk(F.chunk("r1", 2), at: F.at(50))
            #expect(added.inserted)
            #expect(added.chunk == F.chunk("r1", 2))
            let jobs = try await store.jobs(sessionId: "r1")
            #expect(jobs.count == 1)
            #expect(jobs.first?.kind == .processChunk)
            #expect(jobs.first?.chunkIndex == 2)
            #expect(jobs.first?.status == .queued)
            #expect(jobs.first?.attempts == 0)
            #expect(jobs.first?.runAfter == F.at(50).timeIntervalSince1970)
            #expect(jobs.first?.createdAt == F.at(50))
            #expect(jobs.first?.id != nil)

            // The same index again (a retried upload): the stored chunk comes back, nothing changes.
            let again = try await store.addChunk(F.chunk("r1", 2, sha: "different"), at: F.at(60))
            #expect(!again.inserted)
            #expect(again.chunk == F.chunk("r1", 2))
            #expect(try await store.jobs(sessionId: "r1").count == 1)

            _ = try await store.addChunk(F.chunk("r1", 0), at: F.at(51))
            _ = try await store.addChunk(F.chunk("r1", 1), at: F.at(52))
            var chunks = try await store.chunks(sessionId: "r1")
            #expect(chunks.map(\.index) == [0, 1, 2])
            #expect(try await store.jobs(sessionId: "r1").map(\.chunkIndex) == [2, 0, 1])

            chunks[0].status = .processed
            chunks[0].duration = 10
            chunks[0].error = "first attempt failed"
            chunks[0].batchKey = "batches/r1/0.mp4"
            chunks[0].startedAt = F.at(-10)
            try await store.updateChunk(chunks[0])
            #expect(try await store.chunks(sessionId: "r1") == chunks)
            await #expect(throws: (any Error).self) { try await store.updateChunk(F.chunk("r1", 9)) }

            #expect(try await store.recordings(sessionIds: ["r1", "missing"]) == [updated])
            #expect(try await store.recordings(sessionIds: []) == [])
        }
    }

    @Test("Recorded findings: replaced per chunk, counted without dismissed ones", arguments: Backend.all)
    func events(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.createRecording(F.recording("e1"), session: F.session("e1"))
            try await store.createRecording(F.recording("e2"), session: F.session("e2"))
            let a = F.event("a", "e1", chunk: 0, offset: 5)
            let b = F.event("b", "e1", chunk: 0, offset: 1)
            let c = F.event("c", "e1", chunk: 1, offset: 0)
            try await store.replaceFindings(sessionId: "e1", chunkIndex: 0, with: [a, b])
            try await store.replaceFindings(sessionId: "e1", chunkIndex: 1, with: [c])
            #expect(try await store.findings(sessionId: "e1") == [b, a, c])

            // Reprocessing chunk 0 replaces its events and leaves chunk 1's alone.
            var d = F.event("d", "e1", chunk: 0, offset: 2)
            try await store.replaceFindings(sessionId: "e1", chunkIndex: 0, with: [d])
            #expect(try await store.findings(sessionId: "e1") == [d, c])
            try await store.replaceFindings(sessionId: "e1", chunkIndex: 1, with: [])
            #expect(try await store.findings(sessionId: "e1") == [d])

            let e = F.event("e", "e1", chunk: 1, offset: 3, type: .noFace)
            try await store.replaceFindings(sessionId: "e1", chunkIndex: 1, with: [c, e])
            try await store.replaceFindings(sessionId: "e2", chunkIndex: 0, with: [F.event("f", "e2", chunk: 0, offset: 0)])

            d.decision = .dismissed
            d.note = "reflection"
            d.reviewedAt = F.at(9)
            d.videoStart = 2
            d.videoEnd = 3
            try await store.updateFinding(d)
            #expect(try await store.findings(sessionId: "e1") == [d, c, e])
            await #expect(throws: (any Error).self) { try await store.updateFinding(F.event("missing", "e1", chunk: 0, offset: 0)) }

            let counts = try await store.openFindingCounts(sessionIds: ["e1", "e2", "none"], sources: [.recorded])
            #expect(counts == ["e1": ["looking_away": 1, "no_face": 1], "e2": ["looking_away": 1]])
            #expect(try await store.openFindingCounts(sessionIds: [], sources: [.recorded]) == [:])
            // A live finding of the same session is counted under its own source only.
            try await store.apply([.finding(F.violation("live-1", "e1", start: 1))])
            #expect(try await store.openFindingCounts(sessionIds: ["e1"], sources: [.recorded]) == ["e1": ["looking_away": 1, "no_face": 1]])
            #expect(try await store.openFindingCounts(sessionIds: ["e1"], sources: [.live]) == ["e1": ["looking_away": 1]])
            // Several sources at once, and a finding inserted only once however often it is added.
            var browser = FindingRecord(
                id: "b1", sessionId: "e1", source: .browser, type: .tabHidden, severity: 25, confidence: 1, frames: 0,
                evidenceKey: nil, createdAt: F.t0)
            browser.startedAt = F.at(30)
            browser.endedAt = F.at(42)
            #expect(try await store.addFinding(browser))
            var changed = browser
            changed.note = "replayed"
            #expect(try await !store.addFinding(changed))
            #expect(try await store.finding(sessionId: "e1", id: "b1") == browser)
            #expect(
                try await store.openFindingCounts(sessionIds: ["e1"], sources: [.recorded, .browser])
                    == ["e1": ["looking_away": 1, "no_face": 1, "tab_hidden": 1]])
        }
    }

    @Test("Audio findings: replaced with their chunk's pictures, deleted one by one; the audio policy round-trips", arguments: Backend.all)
    func audioFindings(backend: Backend) async throws {
        try await backend.withStore { store in
            var recording = F.recording("a1")
            recording.audioPolicy = .required
            try await store.createRecording(recording, session: F.session("a1"))
            #expect(try await store.recording(sessionId: "a1")?.audioPolicy == .required)
            recording.audioPolicy = .off
            try await store.updateRecording(recording)
            #expect(try await store.recording(sessionId: "a1")?.audioPolicy == .off)

            var heard = F.event("s1", "a1", chunk: 0, offset: 2, type: .otherVoice)
            heard.source = .audio
            heard.details = FindingDetails(speechProbability: 0.97, mouthMovement: 0.004, faceShare: 1, mouthFrames: 40, joinedChunks: [0, 1])
            let seen = F.event("v1", "a1", chunk: 0, offset: 1)
            try await store.replaceFindings(sessionId: "a1", chunkIndex: 0, with: [seen, heard])
            #expect(try await store.findings(sessionId: "a1").sorted { $0.id < $1.id } == [heard, seen])
            #expect(try await store.openFindingCounts(sessionIds: ["a1"], sources: [.audio]) == ["a1": ["other_voice": 1]])
            // Reprocessing the chunk replaces both kinds.
            try await store.replaceFindings(sessionId: "a1", chunkIndex: 0, with: [heard])
            #expect(try await store.findings(sessionId: "a1") == [heard])
            try await store.deleteFinding(sessionId: "a1", id: "s1")
            #expect(try await store.findings(sessionId: "a1").isEmpty)
            try await store.deleteFinding(sessionId: "a1", id: "s1")  // gone already: nothing happens
        }
    }

    @Test("Milestones come back in time order", arguments: Backend.all)
    func milestones(backend: Backend) async throws {
        try await backend.withStore { store in
            let session = try await store.openSession(externalId: "m", at: F.t0, metadata: [:])
            try await store.addMilestone(MilestoneRecord(sessionId: session.id, kind: .finalized, at: F.at(20)))
            try await store.addMilestone(MilestoneRecord(sessionId: session.id, kind: .consent, at: F.at(5), details: MilestoneDetails(noticeVersion: "1")))
            try await store.addMilestone(MilestoneRecord(sessionId: session.id, kind: .liveConnected, at: F.at(10)))
            try await store.addMilestone(MilestoneRecord(sessionId: session.id, kind: .liveDisconnected, at: F.at(10)))
            let milestones = try await store.milestones(sessionId: session.id)
            #expect(milestones.map(\.kind) == [.consent, .liveConnected, .liveDisconnected, .finalized])
            #expect(milestones.map(\.at) == [F.at(5), F.at(10), F.at(10), F.at(20)])
            #expect(milestones.first?.details == MilestoneDetails(noticeVersion: "1"))
            #expect(milestones.allSatisfy { $0.id != nil && $0.sessionId == session.id })
            #expect(try await store.milestones(sessionId: "other").isEmpty)
        }
    }
}
