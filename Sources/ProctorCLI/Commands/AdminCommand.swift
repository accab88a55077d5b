import ArgumentParser
import Foundation
import Logging
import ProctorCore
import ProctorOperations
import ProctorRecording
import ProctorServer
import ProctorStore

/// `proctor admin create|list`: the first admin (there is no default password), and accounts from a shell.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Manage staff accounts from the command line (the first admin is created here).",
        subcommands: [Create.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account; prints a generated password unless one is given on stdin.")

        @OptionGroup var options: DataFolderOptions

        @Option(help: "Login name (3-64 letters, digits, '.', '_', '-', '@').")
        var username: String

        @Option(help: "admin, proctor or reviewer.")
        var role = "admin"

        @Flag(help: "Read the password from the first line of standard input instead of generating one.")
        var passwordStdin = false

        func run() async throws {
            guard let role = Role(rawValue: role), Role.staff.contains(role) else { throw ValidationError("--role must be admin, proctor or reviewer") }
            let configuration = try options.loadConfiguration()
            var logger = Logger(label: "proctor.admin")
            logger.logLevel = .warning
            let opened = try await StoreOpener.open(configuration: configuration, logger: logger)
            let password: String
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("no password on standard input") }
                password = line
            } else {
                password = Self.generatePassword()
            }
            let user = try await opened.run { [configuration] store in
                try await AccountAdministration.createUser(username: username, password: password, role: role, store: store, configuration: configuration)
            }
            print("created \(role.rawValue) \(user.username) (\(user.id))")
            if !passwordStdin { print("password: \(password)") }
        }

        static func generatePassword() -> String {
            let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
            var generator = SystemRandomNumberGenerator()
            return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")

        @OptionGroup var options: DataFolderOptions

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let opened = try await StoreOpener.open(configuration: configuration, logger: Logger(label: "proctor.admin"))
            let users = try await opened.run { store in try await store.users() }
            for user in users {
                print("\(user.username)\t\(user.role.rawValue)\t\(user.disabledAt == nil ? "active" : "disabled")\t\(user.id)")
            }
        }
    }
}

/// `proctor purge`: runs the retention purge once and prints what it deleted.
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "purge", abstract: "Delete captured data past its retention (privacy.*_days) once.")

    @OptionGroup var options: DataFolderOptions

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let logger = Logger(label: "proctor.purge")
        let opened = try await StoreOpener.open(configuration: configuration, logger: logger)
        let keyring = try BlobStoreOpener.keyring(configuration: configuration, create: false, logger: logger)
        let blobs = try BlobStoreOpener.open(configuration: configuration, keys: opened.store, keyring: keyring, logger: logger)
        let report = try await opened.run { [configuration, logger] store in
            let purger = RetentionPurger(
                store: store, blobs: blobs,
                privacy: configuration.privacy, logger: logger)
            return try await purger.runOnce()
        }
        for kind in RetentionPolicy.DataKind.allCases {
            print("\(kind.rawValue): \(report.sessions[kind] ?? 0) sessions")
        }
        print("files deleted: \(report.files)")
        print("orphaned blobs deleted: \(report.orphans)")
    }
}
