import Foundation
import Logging
import ProctorCore
import ProctorOperations
import ProctorStore
import ProctorStorePostgres
import ProctorStoreSQLite

/// Opens the database: PostgreSQL when `DATABASE_URL` is set (many machines), otherwise the embedded
/// SQLite file in the data folder (one machine, no set-up).
enum StoreOpener {
    struct Opened: Sendable {
        let store: any DataStore
        /// What must run for the store to work (PostgreSQL's connection pool), nil for SQLite.
        let background: (@Sendable () async throws -> Void)?
        /// Brings the schema up to date once `background` runs.
        let prepare: @Sendable () async throws -> Void
        let description: String

        /// Runs `body` with the store ready, then stops the background work.
        func run<T: Sendable>(_ body: @escaping @Sendable (any DataStore) async throws -> T) async throws -> T {
            guard let background else {
                try await prepare()
                return try await body(store)
            }
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await background()
                    return nil
                }
                try await prepare()
                let result = try await body(store)
                group.cancelAll()
                return result
            }
        }
    }

    static func open(configuration: ProctorConfiguration, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> Opened
    {
        let data = URL(fileURLWithPath: configuration.server.dataDirectory)
        // umask 077, the folder made 0700, and a folder or database others can read refused.
        let database = data.appendingPathComponent("proctor.sqlite")
        try DataFolderGuard.prepare(
            data: data, files: ["", "-wal", "-shm"].map { URL(fileURLWithPath: database.path + $0) }, configuration: configuration, logger: logger)
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            let store = try PostgresSessionStore.connect(url: url, logger: logger)
            return Opened(
                store: store, background: { await store.run() }, prepare: { try await store.migrate() },
                description: "PostgreSQL \(Self.redacted(url))")
        }
        let path = data.appendingPathComponent("proctor.sqlite").path
        let store = try SQLiteSessionStore(path: path)
        return Opened(store: store, background: nil, prepare: {}, description: "SQLite \(path)")
    }
}

extension StoreOpener {
    /// The URL without its password, for logs.
    static func redacted(_ url: String) -> String {
        guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://"), let colon = url[scheme.upperBound..<at].firstIndex(of: ":") else {
            return url
        }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
