import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ProctorCore
import ProctorRecording
import Testing

/// The S3 client's retry rule against a stand-in service on loopback that fails on purpose: 5xx
/// answers are tried again with backoff until one succeeds, 4xx answers never, and the error XML
/// becomes one clear error.
@Suite struct S3RetryTests {
    actor Counter {
        var value = 0
        func next() -> Int {
            value += 1
            return value
        }
    }

    /// `/flaky/...` answers 503 twice, then 200; `/refused/...` always 403 with S3's error XML.
    static func standIn(flaky: Counter, refused: Counter) -> some ApplicationProtocol {
        let router = Router()
        router.on("flaky/**", method: .put) { _, _ -> Response in
            if await flaky.next() <= 2 {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "<Error><Code>SlowDown</Code></Error>")))
            }
            return Response(status: .ok)
        }
        router.on("refused/**", method: .put) { _, _ -> Response in
            _ = await refused.next()
            let xml =
                "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match &amp; so on</Message></Error>"
            return Response(status: .forbidden, body: .init(byteBuffer: ByteBuffer(string: xml)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static func store(port: Int, bucket: String) throws -> S3BlobStore {
        var s3 = S3StorageConfiguration()
        s3.endpoint = "http://127.0.0.1:\(port)"
        s3.bucket = bucket
        s3.accessKeyId = "key"
        s3.maxAttempts = 4
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-retry-\(UUID().uuidString)")
        return try S3BlobStore(configuration: s3, secretAccessKey: "secret", scratch: scratch, logger: Logger(label: "test"))
    }

    @Test func fiveHundredsAreRetriedFourHundredsAreNot() async throws {
        let flaky = Counter()
        let refused = Counter()
        try await Self.standIn(flaky: flaky, refused: refused).test(.live) { client in
            let port = try #require(client.port)
            try await Self.store(port: port, bucket: "flaky").write("sessions/a/reference.jpg", data: Data("x".utf8))
            #expect(await flaky.value == 3)
            let error = try await #require(throws: S3Error.self) {
                try await Self.store(port: port, bucket: "refused").write("sessions/a/reference.jpg", data: Data("x".utf8))
            }
            #expect(await refused.value == 1)
            #expect(error.code == "SignatureDoesNotMatch")
            #expect(error.description.contains("does not match & so on"))
            #expect(error.description.contains("storage.s3.secret_access_key"))
        }
    }

    /// A part the service refuses ends the upload with that error, and the upload is aborted so no
    /// stored parts are left behind; the local file stays for the caller.
    @Test func aFailedMultipartUploadIsAborted() async throws {
        let aborted = Counter()
        let router = Router()
        router.on("parts/**", method: .post) { _, _ -> Response in
            Response(
                status: .ok,
                body: .init(byteBuffer: ByteBuffer(string: "<InitiateMultipartUploadResult><UploadId>u-1</UploadId></InitiateMultipartUploadResult>")))
        }
        router.on("parts/**", method: .put) { _, _ -> Response in
            Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "<Error><Code>EntityTooSmall</Code></Error>")))
        }
        router.on("parts/**", method: .delete) { request, _ -> Response in
            if request.uri.query?.contains("uploadId=u-1") == true { _ = await aborted.next() }
            return Response(status: .noContent)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            var store = try Self.store(port: try #require(client.port), bucket: "parts")
            store.multipartThreshold = 10
            store.partSize = 16
            let local = try store.temporaryURL(extension: "webm")
            try FileManager.default.createDirectory(at: local.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(repeating: 7, count: 100).write(to: local)
            let error = try await #require(throws: S3Error.self) { try await store.put("sessions/a/master.webm", movingFileAt: local) }
            #expect(error.code == "EntityTooSmall")
            #expect(await aborted.value == 1)
            #expect(FileManager.default.fileExists(atPath: local.path))
        }
    }
}
