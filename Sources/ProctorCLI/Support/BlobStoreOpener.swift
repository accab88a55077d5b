import CoreMetrics
import Foundation
import Logging
import ProctorCore
import ProctorOperations
import ProctorRecording
import ProctorStore

/// Opens the blob store the configuration names, for every command that needs one (serve, worker,
/// purge, storage check, the recording benchmark): the one place that decides where blobs live and
/// how they are protected, so the server and its workers always agree. The bytes live in the data
/// folder or an S3-compatible bucket (`storage.backend`); personal blobs are encrypted
/// (`EncryptingBlobStore`) over whichever holds them, with data keys kept in `keys` and sealed by
/// the master key, so what reaches a bucket is ciphertext.
enum BlobStoreOpener {
    static func open(
        configuration: ProctorConfiguration, keys: any KeyStore, keyring: MasterKeyring, logger: Logger, metrics: (any MetricsFactory)? = nil
    ) throws -> any BlobStore {
        let holder = try storage(configuration: configuration, logger: logger, metrics: metrics)
        guard configuration.protection.encryptBlobs else {
            logger.warning("blobs are stored unencrypted (protection.encrypt_blobs is off)")
            return holder
        }
        return EncryptingBlobStore(
            inner: holder, keys: SessionKeyProvider(store: keys, keyring: keyring), segmentSize: configuration.protection.segmentBytes)
    }

    /// The store that holds the bytes, without the encryption layer (`storage check` talks to it directly).
    static func storage(configuration: ProctorConfiguration, logger: Logger, metrics: (any MetricsFactory)? = nil) throws -> any BlobStore {
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

    /// The master keyring (`MasterKeySource`); `create` makes the embedded default key file on a first start.
    static func keyring(configuration: ProctorConfiguration, create: Bool, logger: Logger) throws -> MasterKeyring {
        let source = MasterKeySource(configuration: configuration)
        let keyring = try source.load(create: create, configuration: configuration, logger: logger)
        logger.info(
            "master key \(keyring.current.id) from \(source.description)\(keyring.previous.map { ", previous key \($0.id) still accepted" } ?? "")")
        return keyring
    }
}
