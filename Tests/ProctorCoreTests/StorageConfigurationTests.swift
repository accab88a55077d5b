import Foundation
import Testing

@testable import ProctorCore

/// `storage.*` from the environment, as every server and worker of a deployment reads it, and the
/// secret kept out of everything printed.
@Suite struct StorageConfigurationTests {
    @Test func theFolderIsTheDefaultAndS3ComesFromTheEnvironment() throws {
        let defaults = try ConfigurationLoader().load(defaults: ProctorConfiguration())
        #expect(defaults.storage.backend == .files)
        #expect(defaults.storage.s3.pathStyle && !defaults.storage.s3.presignVideo && defaults.storage.s3.region == "us-east-1")
        let configuration = try ConfigurationLoader().load(
            defaults: ProctorConfiguration(),
            environment: [
                "PROCTOR_STORAGE__BACKEND": "s3", "PROCTOR_STORAGE__S3__ENDPOINT": "http://127.0.0.1:9000", "PROCTOR_STORAGE__S3__BUCKET": "exams",
                "PROCTOR_STORAGE__S3__SECRET_ACCESS_KEY": "s3cr3t", "PROCTOR_STORAGE__S3__PRESIGN_VIDEO": "true", "PROCTOR_STORAGE__S3__PATH_STYLE": "false",
            ])
        #expect(configuration.storage.backend == .s3)
        #expect(configuration.storage.s3.endpoint == "http://127.0.0.1:9000" && configuration.storage.s3.bucket == "exams")
        #expect(configuration.storage.s3.presignVideo && !configuration.storage.s3.pathStyle)
        let printed = String(decoding: try ConfigurationLoader.encoder.encode(configuration.redacted), as: UTF8.self)
        #expect(!printed.contains("s3cr3t") && printed.contains("(hidden)"))
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader().load(defaults: ProctorConfiguration(), file: Data(#"{"storage":{"backend":"nfs"}}"#.utf8))
        }
    }
}
