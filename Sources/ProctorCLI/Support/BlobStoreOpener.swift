import Foundation
import Logging
import ProctorCore
import ProctorOperations
import ProctorRecording
import ProctorStore

/// Opens the blob store the configuration names, for every command that needs one (serve, worker,
/// purge): the one place that decides where blobs live and how they are protected, so the server
/// and its workers always agree. Personal blobs are encrypted (`EncryptingBlobStore`) over whatever
/// store holds them, with data keys kept in `keys` and sealed by the master key.
enum BlobStoreOpener {
    static func open(configuration: ProctorConfiguration, keys: any KeyStore, keyring: MasterKeyring, logger: Logger) throws -> any BlobStore {
        let data = URL(fileURLWithPath: configuration.server.dataDirectory)
        let files = try FileBlobStore(root: data.appendingPathComponent("blobs"))
        guard configuration.protection.encryptBlobs else {
            logger.warning("blobs are stored unencrypted (protection.encrypt_blobs is off)")
            return files
        }
        return EncryptingBlobStore(
            inner: files, keys: SessionKeyProvider(store: keys, keyring: keyring), segmentSize: configuration.protection.segmentBytes)
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
