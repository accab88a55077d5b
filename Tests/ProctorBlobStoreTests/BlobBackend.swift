import Foundation
import Logging
import ProctorCore
import ProctorRecording
import Testing

/// A blob store implementation the contract runs against.
///
/// The folder always; S3 when `PROCTOR_TEST_S3_ENDPOINT` names a server (`scripts/s3-test-server.sh
/// start` prints the variables; `scripts/test.sh` sets them, so CI always runs both). Each test
/// gets a prefix of its own in the bucket and removes what it wrote.
enum BlobBackend: Sendable, CustomTestStringConvertible {
    case files
    case s3(S3StorageConfiguration)

    static let s3Configuration: S3StorageConfiguration? = {
        let environment = ProcessInfo.processInfo.environment
        guard let endpoint = environment["PROCTOR_TEST_S3_ENDPOINT"], !endpoint.isEmpty else { return nil }
        var configuration = S3StorageConfiguration()
        configuration.endpoint = endpoint
        configuration.bucket = environment["PROCTOR_TEST_S3_BUCKET"] ?? "proctor-test"
        configuration.region = environment["PROCTOR_TEST_S3_REGION"] ?? "us-east-1"
        configuration.accessKeyId = environment["PROCTOR_TEST_S3_ACCESS_KEY_ID"] ?? ""
        configuration.secretAccessKey = environment["PROCTOR_TEST_S3_SECRET_ACCESS_KEY"] ?? ""
        configuration.pathStyle = true
        return configuration
    }()

    static let all: [BlobBackend] = [.files] + (s3Configuration.map { [.s3($0)] } ?? [])
    static let s3Only: [S3StorageConfiguration] = s3Configuration.map { [$0] } ?? []

    var testDescription: String {
        switch self {
        case .files: "files"
        case .s3: "S3"
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "proctor.blob-tests")
        logger.logLevel = .error
        return logger
    }()

    /// Runs `body` on an empty store of this kind. `partBytes` lowers the S3 store's multipart
    /// threshold and part size, so a multipart upload needs only a few MiB of test data.
    func withStore(partBytes: Int? = nil, _ body: (any BlobStore) async throws -> Void) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        switch self {
        case .files:
            try await body(try FileBlobStore(root: scratch))
        case .s3(var configuration):
            configuration.prefix = "contract-\(UUID().uuidString.lowercased())"
            var store = try S3BlobStore(configuration: configuration, secretAccessKey: configuration.secretAccessKey, scratch: scratch, logger: Self.logger)
            if let partBytes {
                store.multipartThreshold = partBytes
                store.partSize = partBytes
            }
            do {
                try await body(store)
            } catch {
                _ = try? await Self.removeAll(store)
                throw error
            }
            _ = try await Self.removeAll(store)
        }
    }

    static func removeAll(_ store: any BlobStore) async throws -> Int {
        let entries = try await store.list(prefix: "")
        for entry in entries { try await store.delete(entry.key) }
        return entries.count
    }
}

/// Bytes that differ at every offset, so a range read from the wrong place cannot pass.
func patternBytes(_ count: Int, seed: UInt8 = 7) -> Data {
    Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &+ $0 / 251) })
}
