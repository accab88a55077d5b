import Foundation
import Hummingbird
import HummingbirdTesting
import ProctorCore
import ProctorOperations
import ProctorRecording
import ProctorStore
import Testing

@testable import ProctorServer

/// Retention, deletion and accommodations: what is captured goes when it should, and only that.
@Suite("Privacy")
struct PrivacyTests {
    /// A finished recorded session with one of every kind of file, ended `daysAgo` days before `now`.
    func makeSession(_ id: String, endedDaysAgo daysAgo: Double, now: Date, server: TestServer) async throws {
        let store = server.services.recordings
        let blobs = server.services.blobs
        let session = SessionRecord(
            id: id, externalId: id, startedAt: now.addingTimeInterval(-daysAgo * 86_400 - 600), endedAt: nil, status: .active, metadata: [:])
        var recording = RecordingRecord(sessionId: id, examId: "e", candidateId: "cand-\(id)", chunkSeconds: 20, uploadTokenHash: "x")
        try await store.createRecording(recording, session: session)
        for key in [BlobKeys.master(id), BlobKeys.batch(id, 0), BlobKeys.reference(id), BlobKeys.evidence(id, "ev-\(id)")] {
            try await blobs.write(key, data: Data("bytes of \(key)".utf8))
        }
        var chunk = ChunkRecord(sessionId: id, index: 0, sha256: "s", size: 1, blobKey: BlobKeys.chunk(id, 0), status: .uploaded, uploadedAt: now)
        _ = try await store.addChunk(chunk, at: now)
        chunk.status = .merged
        chunk.batchKey = BlobKeys.batch(id, 0)
        try await store.updateChunk(chunk)
        recording.masterKey = BlobKeys.master(id)
        recording.referenceKey = BlobKeys.reference(id)
        recording.referenceEmbedding = [0.1, 0.2]
        recording.finalizedAt = now.addingTimeInterval(-daysAgo * 86_400)
        try await store.updateRecording(recording)
        var event = FindingRecord(
            id: "ev-\(id)", sessionId: id, source: .recorded, type: .noFace, severity: 20, confidence: 1, frames: 2,
            evidenceKey: BlobKeys.evidence(id, "ev-\(id)"), createdAt: now)
        event.chunkIndex = 0
        event.chunkStart = 1
        event.chunkEnd = 2
        event.videoStart = 1
        try await server.services.findings.replaceFindings(sessionId: id, chunkIndex: 0, with: [event])
        try await blobs.write(BlobKeys.evidence(id, "v-\(id)"), data: Data([0xFF, 0xD8, 0xFF, 0xD9]))
        var violation = FindingRecord(
            id: "v-\(id)", sessionId: id, source: .live, type: .noFace, severity: 20, confidence: 1, frames: 2,
            evidenceKey: BlobKeys.evidence(id, "v-\(id)"), createdAt: now)
        violation.sessionStart = 1
        violation.sessionEnd = 2
        try await server.services.store.apply([
            .finding(violation), .sessionEnded(sessionId: id, at: now.addingTimeInterval(-daysAgo * 86_400), status: .completed),
        ])
    }

    func files(_ id: String, server: TestServer) async -> (video: Bool, reference: Bool, eventEvidence: Bool, liveEvidence: Bool) {
        let blobs = server.services.blobs
        let master = await blobs.exists(BlobKeys.master(id))
        let batch = await blobs.exists(BlobKeys.batch(id, 0))
        return (
            master || batch, await blobs.exists(BlobKeys.reference(id)),
            await blobs.exists(BlobKeys.evidence(id, "ev-\(id)")), await blobs.exists(BlobKeys.evidence(id, "v-\(id)"))
        )
    }

    @Test("the purge deletes each kind of data past its days, rows and files together, records it, and touches nothing else")
    func purge() async throws {
        let server = try await TestServer.make(withModels: false) {
            $0.privacy.videoDays = 30
            $0.privacy.evidenceDays = 90
            $0.privacy.faceDataDays = 7
            $0.privacy.purgeBatchSize = 1  // several batches
        }
        let now = Date()
        try await makeSession("old", endedDaysAgo: 100, now: now, server: server)
        try await makeSession("middle", endedDaysAgo: 40, now: now, server: server)
        try await makeSession("recent", endedDaysAgo: 1, now: now, server: server)
        let services = server.services
        let purger = RetentionPurger(store: services.dataStore, blobs: services.blobs, privacy: services.configuration.privacy, logger: services.logger)
        let report = try await purger.runOnce(now: now)
        #expect(report.sessions == [.video: 2, .faceData: 2, .evidence: 1])
        #expect(report.files == 2 * 2 + 2 + 2)  // master+batch twice, references twice, both evidence files once

        #expect(await files("old", server: server) == (false, false, false, false))
        #expect(await files("middle", server: server) == (false, false, true, true))
        #expect(await files("recent", server: server) == (true, true, true, true))
        let old = try #require(try await services.recordings.recording(sessionId: "old"))
        #expect(old.masterKey == nil && old.referenceKey == nil && old.referenceEmbedding == nil)
        #expect(try await services.findings.findings(sessionId: "old").first { $0.source == .recorded }?.evidenceKey == nil)
        #expect(try await services.findings.findings(sessionId: "old").first { $0.source == .live }?.evidenceKey == nil)
        let middle = try #require(try await services.recordings.recording(sessionId: "middle"))
        #expect(middle.masterKey == nil && middle.referenceEmbedding == nil)
        #expect(try await services.findings.findings(sessionId: "middle").first { $0.source == .recorded }?.evidenceKey != nil)
        let recent = try #require(try await services.recordings.recording(sessionId: "recent"))
        #expect(recent.masterKey != nil && recent.referenceEmbedding != nil)
        // The rows that are not captured data stay: the session, its events and decisions remain reviewable.
        #expect(try await services.findings.findings(sessionId: "old").filter { $0.source == .recorded }.count == 1)
        let audit = try await services.accounts.audit(limit: 20, before: nil, action: "purge", target: nil)
        #expect(audit.count == 5 && audit.allSatisfy { $0.actor == "system" })
        // Nothing left to do the second time.
        #expect(try await purger.runOnce(now: now) == RetentionPurger.Report())
        await server.stop()
    }

    @Test("deleting a session removes its rows and every file, and leaves other sessions alone")
    func deleteSession() async throws {
        let server = try await TestServer.make(withModels: false)
        let now = Date()
        try await makeSession("gone", endedDaysAgo: 0, now: now, server: server)
        try await makeSession("kept", endedDaysAgo: 0, now: now, server: server)
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/api/sessions/gone", method: .delete, headers: server.headers(.proctor)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/sessions/gone", method: .delete, headers: server.admin) { response in
                #expect(response.status == .ok)
                #expect(json(response)["files_deleted"] as? Int ?? 0 >= 5)
            }
            try await client.execute(uri: "/api/sessions/gone/review", method: .get, headers: server.admin) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/sessions/gone", method: .delete, headers: server.admin) { #expect($0.status == .notFound) }
        }
        #expect(await files("gone", server: server) == (false, false, false, false))
        #expect(!FileManager.default.fileExists(atPath: server.dataDirectory.appendingPathComponent("blobs/sessions/gone").path))
        #expect(try await server.services.findings.findings(sessionId: "gone").filter { $0.source == .recorded }.isEmpty)
        #expect(await files("kept", server: server) == (true, true, true, true))
        #expect(try await server.services.recordings.recording(sessionId: "kept") != nil)
        await server.stop()
    }

    @Test("an accommodation is validated, applied to the review priority and shown in review")
    func accommodations() async throws {
        let server = try await TestServer.make(withModels: false)
        let now = Date()
        try await makeSession("acc", endedDaysAgo: 0, now: now, server: server)  // one no_face event
        try await server.application.test(.router) { client in
            let before = try await client.execute(uri: "/api/sessions/acc/review", method: .get, headers: server.admin) { json($0)["priority"] as? Double }
            #expect(before == 20)
            try await client.execute(
                uri: "/api/accommodations", method: .put, headers: server.admin,
                body: ByteBuffer(string: #"{"candidate_id":"cand-acc","scales":{"no_face":1.5}}"#)
            ) { #expect($0.status == .badRequest) }
            try await client.execute(
                uri: "/api/accommodations", method: .put, headers: server.headers(.proctor),
                body: ByteBuffer(string: #"{"candidate_id":"cand-acc","scales":{"no_face":0}}"#)
            ) { #expect($0.status == .forbidden) }
            try await client.execute(
                uri: "/api/accommodations", method: .put, headers: server.admin,
                body: ByteBuffer(string: #"{"candidate_id":"cand-acc","scales":{"no_face":0},"note":"leaves the camera to use a reader"}"#)
            ) {
                #expect($0.status == .ok)
            }
            let review = try await client.execute(uri: "/api/sessions/acc/review", method: .get, headers: server.admin) { json($0) }
            #expect(review["priority"] as? Double == 0)
            #expect((review["accommodation"] as? [String: Any])?["note"] as? String == "leaves the camera to use a reader")
            #expect((review["events"] as? [[String: Any]])?.first?["accommodation_scale"] as? Double == 0)
            let ranked = try await client.execute(uri: "/api/dashboard/sessions", method: .get, headers: server.admin) {
                json($0)["sessions"] as? [[String: Any]] ?? []
            }
            #expect(ranked.first { $0["id"] as? String == "acc" }?["accommodated"] as? Bool == true)
            #expect(ranked.first { $0["id"] as? String == "acc" }?["priority"] as? Double == 0)
        }
        await server.stop()
    }
}
