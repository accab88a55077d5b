import Foundation
import ProctorCore
import ProctorRecording
import ProctorStore
import ProctorStoreSQLite
import Testing

/// Real `proctor worker` processes on a shared data folder: one is killed (SIGKILL) in the middle of
/// a job; another takes the job over when the lease runs out, and every chunk is processed exactly once.
@Suite("Worker processes", .serialized, .timeLimit(.minutes(5)))
struct WorkerProcessTests {
    static var executable: URL {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("proctor"), ServerTestEnvironment.checkout.appendingPathComponent(".build/debug/proctor"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }

    func startWorker(data: URL, name: String) throws -> Process {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["worker", "--role", "all", "--concurrency", "1", "--data-dir", data.path, "--log-level", "warning"]
        process.currentDirectoryURL = ServerTestEnvironment.checkout
        process.environment = ProcessInfo.processInfo.environment.merging([
            "PROCTOR_RECORDING__JOBS__LEASE_SECONDS": "2",
            "PROCTOR_RECORDING__JOBS__INITIAL_BACKOFF": "0.2",
            "PROCTOR_RECORDING__POLL_SECONDS": "0.1",
            "PROCTOR_RECORDING__FINALIZE_GRACE_SECONDS": "5",
        ]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test("a killed worker's job is reclaimed and finishes once")
    func killWorkerMidJob() async throws {
        let data = try ServerTestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let store = try SQLiteSessionStore(path: data.appendingPathComponent("proctor.sqlite").path)
        let blobs = try FileBlobStore(root: data.appendingPathComponent("blobs"))
        let session = SessionRecord(id: "kill-1", externalId: "kill-1", startedAt: Date(), endedAt: nil, status: .active, metadata: [:])
        try await store.createRecording(
            RecordingRecord(sessionId: "kill-1", examId: "e", candidateId: "c", chunkSeconds: 12, uploadTokenHash: "x"), session: session)
        // Long enough chunks that a job is still running when the worker is killed.
        let chunk = try await ChunkFactory.make("video/webcam_gaze_center_left_center.mp4", seconds: 12)
        for index in 0..<2 {
            let key = "sessions/kill-1/chunks/\(index).webm"
            try await blobs.write(key, data: Data(chunk))
            _ = try await store.addChunk(
                ChunkRecord(
                    sessionId: "kill-1", index: index, sha256: sha256(chunk), size: chunk.count, blobKey: key,
                    status: .uploaded, uploadedAt: Date()), at: Date())
        }
        var recording = try #require(try await store.recording(sessionId: "kill-1"))
        recording.endRequestedAt = Date()
        recording.lastIndex = 1
        try await store.updateRecording(recording)
        try await store.enqueue(JobRecord(kind: .finalize, sessionId: "kill-1", runAfter: Date().timeIntervalSince1970, at: Date()))

        let doomed = try startWorker(data: data, name: "doomed")
        var killedJob: JobRecord?
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, killedJob == nil {
            killedJob = try await store.jobs(sessionId: "kill-1").first { $0.status == .running && $0.kind == .processChunk }
            if killedJob == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let victim = try #require(killedJob, "the first worker never started a chunk")
        kill(doomed.processIdentifier, SIGKILL)
        doomed.waitUntilExit()
        // In the rare case the job finished between the look and the kill, there is nothing to reclaim.
        let interrupted = try await store.jobs(sessionId: "kill-1").first { $0.id == victim.id }?.status == .running

        let survivor = try startWorker(data: data, name: "survivor")
        defer {
            survivor.terminate()
            survivor.waitUntilExit()
        }
        while Date() < deadline.addingTimeInterval(60), try await store.recording(sessionId: "kill-1")?.finalizedAt == nil {
            try await Task.sleep(for: .milliseconds(200))
        }
        let jobs = try await store.jobs(sessionId: "kill-1")
        let reclaimed = try #require(jobs.first { $0.id == victim.id })
        #expect(reclaimed.status == .done)
        if interrupted { #expect(reclaimed.attempts == 2) }
        #expect(jobs.filter { $0.kind == .processChunk }.allSatisfy { $0.status == .done })
        #expect(jobs.filter { $0.kind == .processChunk }.count == 2)
        let chunks = try await store.chunks(sessionId: "kill-1")
        #expect(chunks.allSatisfy { $0.status == .processed || $0.status == .merged })
        let finished = try #require(try await store.recording(sessionId: "kill-1"))
        #expect(finished.finalizedAt != nil)
        #expect(abs((finished.masterDuration ?? 0) - 24) < 1)
        // Each chunk's events were written once (a reprocessed chunk replaces its own).
        let events = try await store.findings(sessionId: "kill-1")
        #expect(Set(events.map(\.id)).count == events.count)
    }
}
