import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ProctorCore
import ProctorRecording
import ProctorServer
import ProctorStore
import Testing

/// The routes on the S3 store (the test S3 server of scripts/s3-test-server.sh; skipped when its
/// variables are not set, always run by scripts/test.sh): chunks reach the bucket only after their
/// checksum matched, the master video plays with ranges through the server or through a presigned
/// redirect, and `/health` reports the store.
@Suite struct S3StorageRouteTests {
    static let s3: [S3StorageConfiguration] = {
        let environment = ProcessInfo.processInfo.environment
        guard let endpoint = environment["PROCTOR_TEST_S3_ENDPOINT"], !endpoint.isEmpty else { return [] }
        var configuration = S3StorageConfiguration()
        configuration.endpoint = endpoint
        configuration.bucket = environment["PROCTOR_TEST_S3_BUCKET"] ?? "proctor-test"
        configuration.region = environment["PROCTOR_TEST_S3_REGION"] ?? "us-east-1"
        configuration.accessKeyId = environment["PROCTOR_TEST_S3_ACCESS_KEY_ID"] ?? ""
        configuration.secretAccessKey = environment["PROCTOR_TEST_S3_SECRET_ACCESS_KEY"] ?? ""
        return [configuration]
    }()

    /// A server whose blobs live in the bucket under a prefix of its own.
    static func server(_ base: S3StorageConfiguration, presign: Bool = false) async throws -> (TestServer, S3BlobStore) {
        var s3 = base
        s3.prefix = "routes-\(UUID().uuidString.lowercased())"
        s3.presignVideo = presign
        var logger = Logger(label: "proctor.test")
        logger.logLevel = .warning
        let data = try ServerTestEnvironment.temporaryDirectory()
        let blobs = try S3BlobStore(configuration: s3, secretAccessKey: s3.secretAccessKey, scratch: data.appendingPathComponent("scratch"), logger: logger)
        let server = try await TestServer.make(dataDirectory: data, withModels: false, blobs: blobs) { configuration in
            configuration.storage.backend = .s3
            configuration.storage.s3 = s3
            // A presigned URL hands the browser the stored bytes: only for blobs stored unencrypted.
            if presign { configuration.protection.encryptBlobs = false }
        }
        return (server, blobs)
    }

    @Test(arguments: s3)
    func chunksReachTheBucketOnlyWithTheirChecksumAndTheVideoPlaysInRanges(_ s3: S3StorageConfiguration) async throws {
        let (server, blobs) = try await Self.server(s3)
        let chunk = try await ChunkFactory.make("video/webcam_gaze_center_left_center.mp4", seconds: 2)
        try await server.application.test(.router) { client in
            let (sessionId, token) = try await client.execute(
                uri: "/api/sessions", method: .post, headers: server.admin,
                body: ByteBuffer(string: #"{"exam_id":"s3","candidate_id":"c-1","chunk_seconds":2}"#)
            ) { response in
                let body = json(response)
                return (body["id"] as? String ?? "", body["upload_token"] as? String ?? "")
            }
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/consent", method: .post, headers: auth,
                body: ByteBuffer(string: #"{"notice_version":"2026-12","items":["webcam_frames","video_chunks","reference_photo","microphone"]}"#)
            ) { response in
                #expect(response.status == .ok)
            }
            // A body that is not what its checksum says never reaches the bucket.
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/chunks/0", method: .put,
                headers: auth + [.init("X-Chunk-SHA256")!: String(repeating: "0", count: 64)],
                body: ByteBuffer(bytes: chunk)
            ) { response in
                #expect(response.status == .badRequest)
            }
            #expect(try await blobs.list(prefix: "sessions/\(sessionId)/").isEmpty)
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/chunks/0", method: .put, headers: auth + [.init("X-Chunk-SHA256")!: sha256(chunk)],
                body: ByteBuffer(bytes: chunk)
            ) { response in
                #expect(response.status == .created)
            }
            let stored = try await blobs.list(prefix: "sessions/\(sessionId)/chunks/")
            // Stored encrypted: the object is the chunk's bytes and the cipher's header and tags.
            #expect(stored.count == 1 && (stored.first?.size ?? 0) > chunk.count)
            let row = try await server.services.recordings.chunks(sessionId: sessionId).first
            #expect(row?.blobKey == stored.first?.key)

            // The master video, from the bucket, through the server, with ranges.
            let master = BlobKeys.master(sessionId)
            try await blobs.write(master, data: Data(chunk))
            var record = try #require(try await server.services.recordings.recording(sessionId: sessionId))
            record.masterKey = master
            try await server.services.recordings.updateRecording(record)
            try await client.execute(uri: "/api/sessions/\(sessionId)/video", method: .get, headers: server.admin) { response in
                #expect(response.status == .ok)
                #expect(Array(response.body.readableBytesView) == chunk)
            }
            try await client.execute(uri: "/api/sessions/\(sessionId)/video", method: .get, headers: server.admin + [.range: "bytes=100-1099"]) { response in
                #expect(response.status == .partialContent)
                #expect(response.headers[.contentRange] == "bytes 100-1099/\(chunk.count)")
                #expect(Array(response.body.readableBytesView) == Array(chunk[100...1099]))
            }
            // A seek near the end, as a player does.
            try await client.execute(uri: "/api/sessions/\(sessionId)/video", method: .get, headers: server.admin + [.range: "bytes=-500"]) { response in
                #expect(response.status == .partialContent)
                #expect(Array(response.body.readableBytesView) == Array(chunk.suffix(500)))
            }
            try await client.execute(uri: "/api/sessions/\(sessionId)/video", method: .get, headers: server.admin + [.range: "bytes=\(chunk.count + 5)-"]) {
                response in
                #expect(response.status == .rangeNotSatisfiable)
            }
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .serviceUnavailable)  // no models in this server
                let store = (json(response)["dependencies"] as? [String: Any])?["blob_store"] as? [String: Any]
                #expect(store?["status"] as? String == "ok" && store?["backend"] as? String == "s3")
            }
        }
        _ = try await blobs.deleteTree("sessions")
        await server.stop()
    }

    @Test(arguments: s3)
    func presignedPlaybackRedirectsToTheBucket(_ s3: S3StorageConfiguration) async throws {
        let (server, blobs) = try await Self.server(s3, presign: true)
        let video = Array(Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }))
        try await server.application.test(.router) { client in
            let sessionId = try await client.execute(
                uri: "/api/sessions", method: .post, headers: server.admin, body: ByteBuffer(string: #"{"exam_id":"s3","candidate_id":"c-2"}"#)
            ) { response in json(response)["id"] as? String ?? "" }
            try await blobs.write(BlobKeys.master(sessionId), data: Data(video))
            var record = try #require(try await server.services.recordings.recording(sessionId: sessionId))
            record.masterKey = BlobKeys.master(sessionId)
            try await server.services.recordings.updateRecording(record)
            let location = try await client.execute(uri: "/api/sessions/\(sessionId)/video", method: .get, headers: server.admin) { response in
                #expect(response.status == .temporaryRedirect)
                #expect(response.headers[.cacheControl] == "no-store")
                return response.headers[.location] ?? ""
            }
            #expect(location.contains("X-Amz-Signature="))
            // The player follows the redirect and seeks there, without the server.
            var request = HTTPClientRequest(url: location)
            request.headers.add(name: "range", value: "bytes=40000-40099")
            let answer = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(answer.status == .partialContent)
            #expect(Array(try await answer.body.collect(upTo: 1 << 20).readableBytesView) == Array(video[40000...40099]))
            // Reviewers only: the redirect is not handed to anyone else.
            try await client.execute(uri: "/api/sessions/\(sessionId)/video", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
        }
        _ = try await blobs.deleteTree("sessions")
        await server.stop()
    }

    @Test func healthReportsAnUnreachableStore() async throws {
        var s3 = S3StorageConfiguration()
        s3.endpoint = "http://127.0.0.1:9"
        s3.bucket = "nowhere"
        s3.accessKeyId = "k"
        s3.maxAttempts = 1
        let data = try ServerTestEnvironment.temporaryDirectory()
        let blobs = try S3BlobStore(configuration: s3, secretAccessKey: "s", scratch: data.appendingPathComponent("scratch"), logger: Logger(label: "test"))
        let server = try await TestServer.make(dataDirectory: data, withModels: false, blobs: blobs) { configuration in
            configuration.storage.backend = .s3
        }
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let store = (json(response)["dependencies"] as? [String: Any])?["blob_store"] as? [String: Any]
                #expect(store?["status"] as? String == "unavailable")
                #expect((store?["reason"] as? String ?? "").contains("storage.s3.endpoint"))
            }
        }
        await server.stop()
    }
}
