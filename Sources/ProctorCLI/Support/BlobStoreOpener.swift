import CoreMetrics
import Foundation
import Logging
import ProctorCore
import ProctorRecording

/// Opens the blob store the configuration names, for every command that needs one (serve, worker,
/// purge, storage check, the recording benchmark): the one place that decides where blobs live, so
/// the server and its workers always agree.
enum BlobStoreOpener {
    static func open(configuration: ProctorConfiguration, logger: Logger, metrics: (any MetricsFactory)? = nil) throws -> any BlobStore {
        let data = URL(fileURLWithPath: configuration.server.dataDirectory)
        switch configuration.storage.backend {
        case .files:
            return try FileBlobStore(root: data.appendingPathComponent("blobs"))
        case .s3:
            let s3 = configuration.storage.s3
            let store = try S3BlobStore(
                configuration: s3, secretAccessKey: try s3.resolvedSecretAccessKey(),
                // Scratch copies for ffmpeg and OpenCV stay on this machine, beside its database.
                scratch: data.appendingPathComponent("scratch"), metrics: metrics, logger: logger)
            logger.info("blobs in S3 bucket \(s3.bucket) at \(s3.endpoint)\(s3.prefix.isEmpty ? "" : " under \(s3.prefix)") as \(s3.accessKeyId)")
            return store
        }
    }

    /// What the store is, for logs and `storage check`; never the secret.
    static func describe(_ configuration: ProctorConfiguration) -> String {
        switch configuration.storage.backend {
        case .files: "files in \(URL(fileURLWithPath: configuration.server.dataDirectory).appendingPathComponent("blobs").path)"
        case .s3: "S3 bucket \(configuration.storage.s3.bucket) at \(configuration.storage.s3.endpoint)"
        }
    }
}
