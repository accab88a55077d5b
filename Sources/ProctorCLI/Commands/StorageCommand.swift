import ArgumentParser
import Foundation
import Logging
import ProctorCore
import ProctorRecording

/// `proctor storage check`: is the configured blob store usable from this machine?
struct StorageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Inspect the blob store (storage.backend).",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check credentials, bucket access and clock skew (S3), or the folder (files); prints what it found, exits 1 on a problem.")

        @OptionGroup var options: DataFolderOptions

        /// S3 refuses signatures more than 15 minutes off; warn well before.
        static let skewWarningSeconds = 60.0

        func run() async throws {
            let configuration = try options.loadConfiguration()
            var logger = Logger(label: "proctor.storage")
            logger.logLevel = .warning
            print("backend: \(BlobStoreOpener.describe(configuration))")
            let store: any BlobStore
            do {
                store = try BlobStoreOpener.storage(configuration: configuration, logger: logger)
            } catch {
                print("configuration: FAILED: \(error)")
                throw ExitCode(1)
            }
            if configuration.storage.backend == .s3 { print("access key: \(configuration.storage.s3.accessKeyId) (secret hidden)") }
            do {
                if let s3 = store as? S3BlobStore {
                    let report = try await s3.check()
                    print("credentials and bucket access: ok")
                    if let skew = report.clockSkewSeconds {
                        let verdict = abs(skew) > Self.skewWarningSeconds ? "WARNING: fix this machine's clock (NTP); S3 refuses > 900 s" : "ok"
                        print(String(format: "clock skew: %+.1f s (%@)", skew, verdict))
                    } else {
                        print("clock skew: unknown (the service sent no Date header)")
                    }
                    print(String(format: "write, read, list, delete: %@ (%.0f ms)", report.roundTripOK ? "ok" : "FAILED", report.milliseconds))
                    if !report.roundTripOK { throw ExitCode(1) }
                } else {
                    try await store.checkAvailable()
                    let key = "checks/\(UUID().uuidString.lowercased()).txt"
                    try await store.write(key, data: Data("check".utf8))
                    let back = try await store.data(key)
                    try await store.delete(key)
                    print("folder writable and readable: \(back == Data("check".utf8) ? "ok" : "FAILED")")
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                print("FAILED: \(error)")
                throw ExitCode(1)
            }
        }
    }
}

/// `--storage files|s3` on the command line (a type of our own: the configuration's enum does not know ArgumentParser).
enum StorageOption: String, ExpressibleByArgument, CaseIterable {
    case files, s3
}
