import Foundation
import Logging
import ProctorCore
import ProctorRecording

/// Opens the blob store the configuration names, for every command that needs one (serve, worker,
/// purge): the one place that decides where blobs live, so the server and its workers always agree.
enum BlobStoreOpener {
    static func open(configuration: ProctorConfiguration, logger: Logger) throws -> any BlobStore {
        let data = URL(fileURLWithPath: configuration.server.dataDirectory)
        return try FileBlobStore(root: data.appendingPathComponent("blobs"))
    }
}
