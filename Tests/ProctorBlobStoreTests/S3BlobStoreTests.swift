import AsyncHTTPClient
import Foundation
import NIOCore
import ProctorCore
import ProctorRecording
import ProctorSigV4
import Testing

/// What only the S3 store does: refuse wrong credentials and tampered requests with clear errors,
/// and presign reads. Runs when the test S3 server's variables are set (always in scripts/test.sh).
@Suite struct S3BlobStoreTests {
    static func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("proctor-s3-\(UUID().uuidString)")
    }

    @Test(arguments: BlobBackend.s3Only)
    func wrongCredentialsGiveAClearError(_ configuration: S3StorageConfiguration) async throws {
        var wrongKey = configuration
        wrongKey.accessKeyId = "nobody:nobody"
        let unknown = try S3BlobStore(configuration: wrongKey, secretAccessKey: "nothing", scratch: Self.scratch(), logger: BlobBackend.logger)
        let error = try await #require(throws: S3Error.self) { try await unknown.write("sessions/x/reference.jpg", data: Data("x".utf8)) }
        #expect(error.status == 403)
        #expect(error.description.contains("storage.s3."))

        let wrongSecret = try S3BlobStore(
            configuration: configuration, secretAccessKey: configuration.secretAccessKey + "-wrong", scratch: Self.scratch(), logger: BlobBackend.logger)
        let refused = try await #require(throws: S3Error.self) { try await wrongSecret.checkAvailable() }
        #expect(refused.status == 403)
    }

    @Test(arguments: BlobBackend.s3Only)
    func aTamperedSignatureOrBodyIsRefused(_ configuration: S3StorageConfiguration) async throws {
        let signer = SigV4Signer(
            credentials: SigV4Credentials(accessKeyID: configuration.accessKeyId, secretAccessKey: configuration.secretAccessKey),
            region: configuration.region)
        let host = URL(string: configuration.endpoint)!.host! + ":\(URL(string: configuration.endpoint)!.port ?? 80)"
        let path = "/\(configuration.bucket)/tamper-\(UUID().uuidString.lowercased()).bin"
        let body = Data("the body that was signed".utf8)

        func put(_ sent: Data, signed: Data, tamper: (String) -> String) async throws -> Int {
            let headers = signer.sign(
                SigV4Request(method: "PUT", path: path, headers: [(name: "host", value: host)]), payloadHash: SigV4Signer.sha256Hex(signed), date: Date())
            var request = HTTPClientRequest(url: "\(configuration.endpoint)\(path)")
            request.method = .PUT
            for header in headers { request.headers.add(name: header.name, value: header.name == "authorization" ? tamper(header.value) : header.value) }
            request.headers.add(name: "content-length", value: "\(sent.count)")
            request.body = .bytes(ByteBuffer(bytes: sent))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        }
        // Untouched, the request is accepted, so the refusals below are about the tampering alone.
        #expect(try await put(body, signed: body) { $0 } == 200)
        let flipped = try await put(body, signed: body) { value in
            let last = value.last == "0" ? "1" : "0"
            return String(value.dropLast()) + last
        }
        #expect(flipped == 403)
        // A body other than the one whose hash was signed.
        let swapped = try await put(Data("another body, same length!".utf8), signed: body) { $0 }
        #expect(swapped == 400 || swapped == 403)
    }

    @Test(arguments: BlobBackend.s3Only)
    func presignedURLsReadTheObjectAndItsRanges(_ configuration: S3StorageConfiguration) async throws {
        var presigning = configuration
        presigning.presignVideo = true
        try await BlobBackend.s3(presigning).withStore { store in
            let bytes = patternBytes(5000)
            try await store.write("sessions/p/master.webm", data: bytes)
            let url = try #require(try await store.presignedReadURL("sessions/p/master.webm", expiresIn: 60))
            var request = HTTPClientRequest(url: url.absoluteString)
            request.headers.add(name: "range", value: "bytes=100-199")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status == .partialContent)
            #expect(Data(try await response.body.collect(upTo: 1 << 20).readableBytesView) == bytes[100...199])
        }
        // Off (the default), the store serves reads through the server only.
        try await BlobBackend.s3(configuration).withStore { store in
            let url = try await store.presignedReadURL("sessions/p/master.webm", expiresIn: 60)
            #expect(url == nil)
        }
    }

    @Test(arguments: BlobBackend.s3Only)
    func aMissingBucketIsNamedInTheError(_ configuration: S3StorageConfiguration) async throws {
        var missing = configuration
        missing.bucket = "no-such-bucket-\(UUID().uuidString.lowercased().prefix(8))"
        let store = try S3BlobStore(configuration: missing, secretAccessKey: configuration.secretAccessKey, scratch: Self.scratch(), logger: BlobBackend.logger)
        let error = try await #require(throws: S3Error.self) { try await store.list(prefix: "") }
        #expect(error.code == "NoSuchBucket")
        #expect(error.description.contains("storage.s3.bucket"))
    }

    @Test func anUnreachableEndpointIsATransportErrorAfterRetries() async throws {
        var configuration = S3StorageConfiguration()
        configuration.endpoint = "http://127.0.0.1:9"
        configuration.bucket = "b"
        configuration.accessKeyId = "k"
        configuration.maxAttempts = 2
        let store = try S3BlobStore(configuration: configuration, secretAccessKey: "s", scratch: Self.scratch(), logger: BlobBackend.logger)
        let error = try await #require(throws: S3Error.self) { try await store.checkAvailable() }
        guard case .transport = error else {
            Issue.record("expected a transport error, got \(error)")
            return
        }
        #expect(error.description.contains("storage.s3.endpoint"))
    }

    @Test func secretFilesMustBePrivate() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-secret-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data("s3cr3t\n".utf8), attributes: [.posixPermissions: 0o644])
        var configuration = S3StorageConfiguration()
        configuration.secretAccessKeyFile = path
        #expect(throws: S3Error.self) { try configuration.resolvedSecretAccessKey() }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try configuration.resolvedSecretAccessKey() == "s3cr3t")
        configuration.secretAccessKey = "from-env"
        #expect(try configuration.resolvedSecretAccessKey() == "from-env")
        #expect(ProctorConfiguration.withSecret.redacted.storage.s3.secretAccessKey == "(hidden)")
    }
}

extension ProctorConfiguration {
    fileprivate static var withSecret: ProctorConfiguration {
        var configuration = ProctorConfiguration()
        configuration.storage.s3.secretAccessKey = "s3cr3t"
        return configuration
    }
}
