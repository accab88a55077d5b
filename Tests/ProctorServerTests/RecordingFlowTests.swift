import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ProctorCore
import ProctorRecording
import ProctorServer
import ProctorStore
import ProctorStoreSQLite
import Testing

/// Real webm chunks made with ffmpeg from the test data, uploaded, processed by a worker, merged.
enum ChunkFactory {
    /// Encodes `seconds` of a clip or a still image as a 640x480 VP8 webm that decodes on its own;
    /// `filter` is an ffmpeg video filter applied after the scaling (e.g. to darken it).
    static func make(_ source: String, seconds: Double, start: Double = 0, still: Bool = false, filter: String? = nil) async throws -> [UInt8] {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("chunk-\(UUID().uuidString).webm")
        defer { try? FileManager.default.removeItem(at: output) }
        let input = ServerTestEnvironment.testData.appendingPathComponent(source).path
        var arguments = ["-nostdin", "-y", "-v", "error"]
        arguments += still ? ["-loop", "1", "-t", "\(seconds)", "-i", input] : ["-ss", "\(start)", "-t", "\(seconds)", "-i", input]
        arguments += [
            "-vf",
            "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2," + (filter.map { $0 + "," } ?? "") + "fps=15,format=yuv420p",
            // The same bytes on every run: libvpx's realtime mode trades quality for the time it has (a
            // busy machine encoded a worse chunk, and a glance was no longer seen), and the webm muxer
            // writes a random segment id unless told to be bit-exact.
            "-c:v", "libvpx", "-deadline", "good", "-cpu-used", "5", "-threads", "1", "-b:v", "800k", "-an",
            "-fflags", "+bitexact", "-flags:v", "+bitexact", "-f", "webm", output.path,
        ]
        _ = try await VideoTools.run("ffmpeg", arguments)
        return [UInt8](try Data(contentsOf: output))
    }

    static func frame(_ source: String, at seconds: Double) async throws -> [UInt8] {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("frame-\(UUID().uuidString).jpg")
        defer { try? FileManager.default.removeItem(at: output) }
        let input = ServerTestEnvironment.testData.appendingPathComponent(source).path
        _ = try await VideoTools.run("ffmpeg", ["-nostdin", "-y", "-v", "error", "-ss", "\(seconds)", "-i", input, "-frames:v", "1", "-q:v", "3", output.path])
        return [UInt8](try Data(contentsOf: output))
    }
}

func sha256(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}

func json(_ response: TestResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:]
}

/// Recording settings that make the tests quick.
func quickRecording(_ configuration: inout ProctorConfiguration) {
    configuration.recording.batchSize = 2
    configuration.recording.finalizeGraceSeconds = 3
    configuration.recording.pollSeconds = 0.05
    configuration.recording.jobs.initialBackoff = 0.1
    configuration.recording.jobs.maximumBackoff = 0.2
    configuration.recording.jobs.maximumAttempts = 2
    configuration.recording.jobs.leaseSeconds = 5
}

func worker(for server: TestServer, name: String = "test-worker") async throws -> RecordingWorker {
    let services = server.services
    var logger = Logger(label: "proctor.test.worker")
    logger.logLevel = .warning
    let processor = ChunkProcessor(
        pool: try await serverTestPool.value, blobs: services.blobs, configuration: services.configuration, logger: logger,
        voiceActivity: try await serverTestVoiceActivity.value)
    let store = services.recordings as! SQLiteSessionStore
    let jobs = RecordingJobs(store: store, blobs: services.blobs, configuration: services.configuration, processor: processor, logger: logger)
    return RecordingWorker(jobs: jobs, kinds: JobKind.allCases, concurrency: 1, name: name, logger: logger)
}

/// Runs jobs until the session is finalized (or the time is up).
func drain(_ worker: RecordingWorker, session: String, store: any RecordingStore, seconds: Double = 120) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await store.recording(sessionId: session)?.finalizedAt != nil { return }
        if !(await worker.runNext(owner: worker.name)) { try await Task.sleep(for: .milliseconds(100)) }
    }
    Issue.record("session \(session) was not finalized in \(seconds) s")
}

@Suite("Recorded sessions", .serialized, .timeLimit(.minutes(5)))
struct RecordingFlowTests {
    @Test("create, enrol, upload out of order, process, end: master video and timed events")
    func endToEnd() async throws {
        let server = try await TestServer.make(configure: quickRecording)
        let chunk0 = try await ChunkFactory.make("video/webcam_gaze_center_left_center.mp4", seconds: 4)
        let chunk1 = try await ChunkFactory.make("objects_people/unsplash_three_business_people.jpg", seconds: 4, still: true)
        let chunk2 = try await ChunkFactory.make("no_face/nyu_empty_classroom.jpg", seconds: 4, still: true)
        let reference = try await ChunkFactory.frame("video/webcam_gaze_center_left_center.mp4", at: 1)
        let group = try ServerTestEnvironment.bytes("objects_people/unsplash_three_business_people.jpg")
        let empty = try ServerTestEnvironment.bytes("no_face/nyu_empty_classroom.jpg")
        let sessionId: String = try await server.application.test(.router) { client in
            let (sessionId, token) = try await client.execute(
                uri: "/api/sessions", method: .post, headers: server.admin,
                body: ByteBuffer(string: #"{"exam_id":"math-101","candidate_id":"c-7","chunk_seconds":4}"#)
            ) { response in
                #expect(response.status == .created)
                let body = json(response)
                return (body["id"] as? String ?? "", body["upload_token"] as? String ?? "")
            }
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            // Nothing is captured before consent; consent must name everything the notice lists.
            try await client.execute(uri: "/api/sessions/\(sessionId)/reference", method: .post, headers: auth, body: ByteBuffer(bytes: reference)) {
                response in
                #expect(response.status == .forbidden)
                #expect(json(response)["code"] as? String == "consent_required")
            }
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/consent", method: .post, headers: auth,
                body: ByteBuffer(string: #"{"notice_version":"2026-11","items":["webcam_frames"]}"#)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(json(response)["code"] as? String == "consent_incomplete")
            }
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/consent", method: .post, headers: auth,
                body: ByteBuffer(string: #"{"notice_version":"2026-11","items":["webcam_frames","video_chunks","reference_photo","microphone"]}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(json(response)["consent_at"] is String)
            }
            // Reference photos: two faces, no face, then a good one.
            try await client.execute(uri: "/api/sessions/\(sessionId)/reference", method: .post, headers: auth, body: ByteBuffer(bytes: group)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(json(response)["reason"] as? String == "multiple_faces")
            }
            try await client.execute(uri: "/api/sessions/\(sessionId)/reference", method: .post, headers: auth, body: ByteBuffer(bytes: empty)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(json(response)["reason"] as? String == "no_face")
            }
            try await client.execute(uri: "/api/sessions/\(sessionId)/reference", method: .post, headers: auth, body: ByteBuffer(bytes: reference)) {
                response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            // Wrong token, missing or wrong checksum.
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/chunks/0", method: .put, headers: [.authorization: "Bearer nope", .init("X-Chunk-SHA256")!: sha256(chunk0)],
                body: ByteBuffer(bytes: chunk0)
            ) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/sessions/\(sessionId)/chunks/0", method: .put, headers: auth, body: ByteBuffer(bytes: chunk0)) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/chunks/0", method: .put, headers: auth + [.init("X-Chunk-SHA256")!: sha256(chunk1)],
                body: ByteBuffer(bytes: chunk0)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(json(response)["code"] as? String == "checksum_mismatch")
            }
            // Out of order, then the same chunk again, then different content for an index that exists.
            for (index, chunk) in [(2, chunk2), (0, chunk0), (1, chunk1), (0, chunk0)] {
                try await client.execute(
                    uri: "/api/sessions/\(sessionId)/chunks/\(index)", method: .put, headers: auth + [.init("X-Chunk-SHA256")!: sha256(chunk)],
                    body: ByteBuffer(bytes: chunk)
                ) { response in
                    #expect(response.status == .created || (index == 0 && json(response)["status"] as? String == "duplicate"))
                }
            }
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/chunks/1", method: .put, headers: auth + [.init("X-Chunk-SHA256")!: sha256(chunk2)],
                body: ByteBuffer(bytes: chunk2)
            ) { response in
                #expect(response.status == .conflict)
            }
            try await client.execute(uri: "/api/sessions/\(sessionId)/chunks", method: .get, headers: auth) { response in
                #expect((json(response)["chunks"] as? [[String: Any]])?.map { $0["index"] as? Int } == [0, 1, 2])
            }
            try await client.execute(uri: "/api/sessions/\(sessionId)/end", method: .post, headers: auth, body: ByteBuffer(string: #"{"last_index":2}"#)) {
                response in
                #expect(response.status == .accepted)
            }
            return sessionId
        }

        let chunkJobs = try await server.services.recordings.jobs(sessionId: sessionId).filter { $0.kind == .processChunk }
        #expect(chunkJobs.count == 3)  // the duplicate upload enqueued nothing
        let started = ContinuousClock.now
        try await drain(try await worker(for: server), session: sessionId, store: server.services.recordings)
        let wall = started.duration(to: .now)
        print("recording: 12 s of video processed, merged and finalized in \(wall)")

        try await server.application.test(.router) { client in
            let duration = try await client.execute(uri: "/api/sessions/\(sessionId)", method: .get, headers: server.admin) { response in
                let recording = json(response)["recording"] as? [String: Any]
                #expect(recording?["finalized"] as? Bool == true)
                #expect((recording?["gaps"] as? [Int])?.isEmpty == true)
                #expect(json(response)["status"] as? String == "completed")
                return recording?["video_duration"] as? Double ?? 0
            }
            #expect(abs(duration - 12) < 0.6, "master is \(duration) s")
            let events = try await client.execute(uri: "/api/sessions/\(sessionId)/events", method: .get, headers: server.admin) { response in
                json(response)["events"] as? [[String: Any]] ?? []
            }
            func first(_ type: String) -> [String: Any]? { events.first { $0["type"] as? String == type } }
            print("recording events: \(events.map { "\($0["type"]!)@\($0["start"]!)-\($0["end"]!) \($0["details"]!)" })")
            let multiple = try #require(first("multiple_people"))
            #expect(abs((multiple["start"] as? Double ?? -10) - 4) <= 2)
            let noFace = try #require(first("no_face"))
            #expect(abs((noFace["start"] as? Double ?? -10) - 8) <= 2)
            let mismatch = try #require(first("identity_mismatch"))
            #expect(abs((mismatch["start"] as? Double ?? -10) - 4) <= 2)
            #expect(
                !events.contains {
                    ($0["start"] as? Double ?? 0) < 3.5 && ["multiple_people", "no_face", "identity_mismatch"].contains($0["type"] as? String)
                },
                "the candidate's own chunk raised a person or identity flag")
            #expect(events.allSatisfy { ($0["end"] as? Double ?? 99) <= duration + 0.5 })
            // Evidence, review, and the video with ranges.
            let evidence = try #require(multiple["evidence_url"] as? String)
            try await client.execute(uri: evidence, method: .get, headers: server.admin) { response in
                #expect(response.status == .ok && Array(response.body.readableBytesView.prefix(2)) == [0xFF, 0xD8])
            }
            let eventId = try #require(multiple["id"] as? String)
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/events/\(eventId)", method: .patch, headers: server.admin,
                body: ByteBuffer(string: #"{"decision":"confirmed","note":"two people behind the candidate"}"#)
            ) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/events/\(eventId)", method: .patch, headers: server.admin, body: ByteBuffer(string: #"{"decision":"maybe"}"#)
            ) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/sessions/\(sessionId)/events", method: .get, headers: server.admin) { response in
                let reviewed = (json(response)["events"] as? [[String: Any]])?.first { $0["id"] as? String == eventId }
                #expect(reviewed?["decision"] as? String == "confirmed")
            }
            let size = try await client.execute(uri: "/api/sessions/\(sessionId)/video", method: .get, headers: server.admin) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.acceptRanges] == "bytes")
                #expect(Array(response.body.readableBytesView.prefix(4)) == [0x1A, 0x45, 0xDF, 0xA3])  // EBML
                return response.body.readableBytes
            }
            try await client.execute(uri: "/api/sessions/\(sessionId)/video", method: .get, headers: server.admin + [.range: "bytes=100-199"]) { response in
                #expect(response.status == .partialContent)
                #expect(response.body.readableBytes == 100)
                #expect(response.headers[.contentRange] == "bytes 100-199/\(size)")
            }
            try await client.execute(uri: "/api/sessions/\(sessionId)/video", method: .get, headers: server.admin + [.range: "bytes=\(size + 10)-"]) {
                response in
                #expect(response.status == .rangeNotSatisfiable)
            }
            try await checkReview(client, server: server, sessionId: sessionId, confirmedEvent: eventId, videoDuration: duration, eventCount: events.count)
        }
        // The master replaced the chunk and batch files.
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: server.dataDirectory.appendingPathComponent("blobs/sessions/\(sessionId)").path)
        #expect(!leftovers.contains { $0.hasPrefix("chunks/") && $0.hasSuffix(".webm") })
        #expect(!leftovers.contains { $0.hasPrefix("batches/") && $0.hasSuffix(".webm") })
        await server.stop()
    }

    /// The dashboard's view of the finished session: review data, milestones, ranking, reviewed marker, exports.
    func checkReview(_ client: some TestClientProtocol, server: TestServer, sessionId: String, confirmedEvent: String, videoDuration: Double, eventCount: Int)
        async throws
    {
        let review = try await client.execute(uri: "/api/sessions/\(sessionId)/review", method: .get, headers: server.admin) { response in
            #expect(response.status == .ok)
            return json(response)
        }
        let recording = try #require(review["recording"] as? [String: Any])
        #expect(recording["consent_version"] as? String == "2026-11")
        #expect((review["events"] as? [[String: Any]])?.count == eventCount)
        #expect((review["priority"] as? Double ?? 0) >= 40, "a confirmed second person ranks the session high")
        let milestones = review["milestones"] as? [[String: Any]] ?? []
        let kinds = milestones.compactMap { $0["kind"] as? String }
        #expect(["consent", "reference", "end_requested", "finalized"].allSatisfy(kinds.contains), "\(kinds)")
        let end = milestones.first { $0["kind"] as? String == "finalized" }
        #expect(abs((end?["video_time"] as? Double ?? -1) - videoDuration) < 0.01, "the end sits at the end of the video")
        let figures = review["figures"] as? [String: Any]
        #expect(((figures?["recording"] as? [String: Any])?["chunks"] as? Int) == 3)

        // Ranked list, reviewed marker and its filter.
        let listed = try await client.execute(uri: "/api/dashboard/sessions?q=c-7", method: .get, headers: server.admin) {
            json($0)["sessions"] as? [[String: Any]] ?? []
        }
        #expect(listed.count == 1 && listed.first?["candidate_id"] as? String == "c-7" && listed.first?["reviewed"] as? Bool == false)
        #expect(((listed.first?["event_counts"] as? [String: Int])?["multiple_people"] ?? 0) >= 1)
        #expect(listed.first?["state"] as? String == "finalized")
        try await client.execute(uri: "/api/sessions/\(sessionId)", method: .patch, headers: server.admin, body: ByteBuffer(string: #"{"reviewed":true}"#)) {
            response in
            #expect(response.status == .ok)
        }
        try await client.execute(uri: "/api/sessions/\(sessionId)", method: .patch, headers: server.admin, body: ByteBuffer(string: #"{"reviewed":"yes"}"#)) {
            response in
            #expect(response.status == .badRequest)
        }
        let unreviewed = try await client.execute(uri: "/api/dashboard/sessions?reviewed=no", method: .get, headers: server.admin) {
            json($0)["sessions"] as? [[String: Any]] ?? []
        }
        #expect(!unreviewed.contains { $0["id"] as? String == sessionId })
        try await client.execute(uri: "/api/dashboard/sessions?status=bogus", method: .get, headers: server.admin) { #expect($0.status == .badRequest) }

        // Exports: CSV (one row per finding, with the decision) and JSON, as downloads.
        try await client.execute(uri: "/api/sessions/\(sessionId)/report?format=csv", method: .get, headers: server.admin) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(response.headers[.contentDisposition]?.contains("attachment") == true)
            let lines = String(buffer: response.body).split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("session_id,exam_id,candidate_id,source,finding_id,type") == true)
            #expect(lines.contains { $0.contains(confirmedEvent) && $0.contains("confirmed") && $0.contains("two people behind the candidate") })
            #expect(lines.count >= eventCount + 1)
        }
        try await client.execute(uri: "/api/sessions/\(sessionId)/report?format=json", method: .get, headers: server.admin) { response in
            #expect(json(response)["reviewed"] as? Bool == true)
        }
        try await client.execute(uri: "/api/sessions/\(sessionId)/report?format=xml", method: .get, headers: server.admin) { #expect($0.status == .badRequest) }
    }

    @Test("a corrupt chunk fails with a clear error and the session still finalizes with the gap reported")
    func corruptChunk() async throws {
        let server = try await TestServer.make(configure: quickRecording)
        let good = try await ChunkFactory.make("video/news_single_face_frontal.mp4", seconds: 2)
        let corrupt = Array("this is not a webm file at all".utf8)
        let store = server.services.recordings
        let sessionId: String = try await server.application.test(.router) { client in
            let body = try await client.execute(
                uri: "/api/sessions", method: .post, headers: server.admin, body: ByteBuffer(string: #"{"exam_id":"e","candidate_id":"c"}"#)
            ) { json($0) }
            let sessionId = body["id"] as? String ?? ""
            let auth: HTTPFields = [.authorization: "Bearer \(body["upload_token"] as? String ?? "")"]
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/consent", method: .post, headers: auth,
                body: ByteBuffer(string: #"{"notice_version":"1","items":["webcam_frames","video_chunks","reference_photo","microphone"]}"#)
            ) { response in
                #expect(response.status == .ok)
            }
            do {
                for (index, chunk) in [(0, good), (1, corrupt), (2, good)] {
                    try await client.execute(
                        uri: "/api/sessions/\(sessionId)/chunks/\(index)", method: .put, headers: auth + [.init("X-Chunk-SHA256")!: sha256(chunk)],
                        body: ByteBuffer(bytes: chunk)
                    ) { response in
                        #expect(response.status == .created)
                    }
                }
                try await client.execute(uri: "/api/sessions/\(sessionId)/end", method: .post, headers: auth) { response in
                    #expect(response.status == .accepted)
                }
            }
            return sessionId
        }
        try await drain(try await worker(for: server), session: sessionId, store: store)
        let chunks = try await store.chunks(sessionId: sessionId)
        let failed = try #require(chunks.first { $0.index == 1 })
        #expect(failed.status == .failed)
        #expect(failed.error?.contains("cannot open video") == true || failed.error?.contains("no decodable frames") == true, "\(failed.error ?? "")")
        let job = try #require(try await store.jobs(sessionId: sessionId).first { $0.kind == .processChunk && $0.chunkIndex == 1 })
        #expect(job.status == .failed && job.attempts == 2)
        let recording = try #require(try await store.recording(sessionId: sessionId))
        #expect(recording.gaps == [1])
        #expect(abs((recording.masterDuration ?? 0) - 4) < 0.6)
        await server.stop()
    }

    @Test("a job whose worker dies is reclaimed after its lease and finishes once")
    func workerCrash() async throws {
        let server = try await TestServer.make { configuration in
            quickRecording(&configuration)
            configuration.recording.jobs.leaseSeconds = 1
        }
        let store = server.services.recordings
        let session = SessionRecord(id: "crash-1", externalId: "crash-1", startedAt: Date(), endedAt: nil, status: .active, metadata: [:])
        try await store.createRecording(
            RecordingRecord(sessionId: "crash-1", examId: "e", candidateId: "c", chunkSeconds: 2, uploadTokenHash: "x"), session: session)
        let chunk = try await ChunkFactory.make("video/news_single_face_frontal.mp4", seconds: 2)
        try await server.services.blobs.write("sessions/crash-1/chunks/000000.webm", data: Data(chunk))
        _ = try await store.addChunk(
            ChunkRecord(
                sessionId: "crash-1", index: 0, sha256: sha256(chunk), size: chunk.count,
                blobKey: "sessions/crash-1/chunks/000000.webm", status: .uploaded, uploadedAt: Date()), at: Date())
        // A worker claims the job and dies: no heartbeat, no result.
        let policy = server.services.configuration.recording.jobs
        let dead = try #require(try await store.claimJob(kinds: [.processChunk], owner: "dead-worker", now: Date(), policy: policy))
        let alive = try await worker(for: server, name: "alive")
        #expect(await !alive.runNext(owner: "alive"))  // still leased
        try await Task.sleep(for: .milliseconds(1200))
        #expect(await alive.runNext(owner: "alive"))
        var stale = dead
        stale.apply(dead.state.completed(), at: Date())
        #expect(try await !store.finishJob(stale, owner: "dead-worker"))  // the dead worker's late result is refused
        let job = try #require(try await store.jobs(sessionId: "crash-1").first { $0.kind == .processChunk })
        #expect(job.status == .done && job.attempts == 2)
        #expect(try await store.chunks(sessionId: "crash-1").first?.status == .processed)
        await server.stop()
    }

    @Test("concurrent claims never hand out the same job; locks are exclusive")
    func queueAtomicity() async throws {
        let server = try await TestServer.make(configure: quickRecording)
        let store = server.services.recordings
        let session = SessionRecord(id: "queue-1", externalId: "queue-1", startedAt: Date(), endedAt: nil, status: .active, metadata: [:])
        try await store.createRecording(
            RecordingRecord(sessionId: "queue-1", examId: "e", candidateId: "c", chunkSeconds: 2, uploadTokenHash: "x"), session: session)
        for index in 0..<20 {
            try await store.enqueue(JobRecord(kind: .processChunk, sessionId: "queue-1", chunkIndex: index, runAfter: 0, at: Date()))
            try await store.enqueue(JobRecord(kind: .processChunk, sessionId: "queue-1", chunkIndex: index, runAfter: 0, at: Date()))  // idempotent
        }
        #expect(try await store.jobs(sessionId: "queue-1").count == 20)
        let policy = server.services.configuration.recording.jobs
        let claimed = try await withThrowingTaskGroup(of: [Int].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var mine: [Int] = []
                    while let job = try await store.claimJob(kinds: [.processChunk], owner: "w\(worker)", now: Date(), policy: policy) {
                        mine.append(job.chunkIndex)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.sorted() == Array(0..<20))
        #expect(try await store.acquireLock("session:queue-1", owner: "a", now: Date(), expiresAt: Date().addingTimeInterval(60)))
        #expect(try await !store.acquireLock("session:queue-1", owner: "b", now: Date(), expiresAt: Date().addingTimeInterval(60)))
        #expect(try await store.acquireLock("session:queue-1", owner: "b", now: Date().addingTimeInterval(61), expiresAt: Date().addingTimeInterval(120)))
        try await store.releaseLock("session:queue-1", owner: "b")
        #expect(try await store.acquireLock("session:queue-1", owner: "a", now: Date(), expiresAt: Date().addingTimeInterval(60)))
        await server.stop()
    }
}

func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
    var fields = lhs
    fields.append(contentsOf: rhs)
    return fields
}
