import ArgumentParser
import Foundation
import Logging
import ProctorCore
import ProctorOperations
import ProctorRecording
import ProctorStore

/// `proctor keys`: the master key and the sessions' data keys (README, Protection at rest).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Show or rotate the master key that seals the sessions' data keys.",
        subcommands: [KeysStatusCommand.self, KeysInitCommand.self, KeysRotateCommand.self], defaultSubcommand: KeysStatusCommand.self)
}

/// `proctor keys status`: where the master key comes from, its id, and how many data keys each master key seals.
struct KeysStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Where the master key comes from and what it seals.")

    @OptionGroup var options: DataFolderOptions

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let logger = Logger(label: "proctor.keys")
        let keyring = try BlobStoreOpener.keyring(configuration: configuration, create: false, logger: logger)
        let opened = try await StoreOpener.open(configuration: configuration, logger: logger)
        let keys = try await opened.run { store in try await store.dataKeys() }
        print("master key: \(keyring.current.id) from \(MasterKeySource(configuration: configuration).description)")
        if let previous = keyring.previous { print("previous master key: \(previous.id) (still opens what it sealed)") }
        for (id, count) in Dictionary(grouping: keys, by: \.masterKeyId).mapValues(\.count).sorted(by: { $0.key < $1.key }) {
            print("data keys sealed by \(id): \(count)")
        }
    }
}

/// `proctor keys init`: creates the embedded default key file if there is none and prints the key
/// once (`scripts/serve.sh` does this on the first start, with the admin password), so it can be
/// kept somewhere safe apart from the data.
struct KeysInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create the master key file if there is none, and print the new key once.")

    @OptionGroup var options: DataFolderOptions

    func run() async throws {
        let configuration = try options.loadConfiguration()
        DataFolderGuard.restrictUmask()
        let source = MasterKeySource(configuration: configuration)
        guard case .file(let url) = source.origin else {
            print("the master key comes from \(MasterKeySource.environmentName); nothing to create")
            return
        }
        if FileManager.default.fileExists(atPath: url.path) {
            print("master key file: \(url.path) (exists; not shown again)")
            return
        }
        let keyring = try source.load(create: true, configuration: configuration, logger: Logger(label: "proctor.keys"))
        print("Master key (in \(url.path), id \(keyring.current.id)): \(MasterKeyText.format(keyring.current.bytes))")
        print("It seals the data keys of every recording: keep a copy apart from the data and its backups. Losing it loses the recordings.")
    }
}

/// `proctor keys rotate`: a new master key (the data keys are sealed again, the blobs stay as they
/// are) and with it a new token signing key; `--signing-only` rotates the signing key alone.
struct KeysRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Seal every data key with a new master key and derive a new token signing key (the old one works for auth.signing_key_grace_hours).")

    @OptionGroup var options: DataFolderOptions

    @Flag(help: "Rotate the token signing key only (every login and invitation must be renewed after the grace period).")
    var signingOnly = false

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let logger = Logger(label: "proctor.keys")
        let source = MasterKeySource(configuration: configuration)
        let keyring = try BlobStoreOpener.keyring(configuration: configuration, create: false, logger: logger)
        let opened = try await StoreOpener.open(configuration: configuration, logger: logger)
        let signingOnly = signingOnly
        let report = try await opened.run { [logger] store in
            try await KeyRotation.rotate(source: source, keyring: keyring, store: store, signingOnly: signingOnly, logger: logger)
        }
        if signingOnly {
            print("token signing key: generation \(report.signingGeneration); the previous key is accepted for \(configuration.auth.signingKeyGraceHours) h")
        } else {
            print("master key: \(report.previousMasterKeyId ?? "?") -> \(report.masterKeyId); \(report.rewrapped) data keys sealed again")
        }
        if let newKey = report.newKey {
            print("")
            print("The master key comes from \(MasterKeySource.environmentName): set it to the new key, and keep the old one as")
            print("\(MasterKeySource.previousEnvironmentName) until every server and worker has restarted. Shown once:")
            print("  \(MasterKeySource.environmentName)=\(newKey)")
        }
        print("Restart every server and worker so they use the new keys.")
    }
}
