import Foundation
import Logging
import PostgresNIO
import ProctorStore
import ProctorStorePostgres
import ProctorStoreSQLite
import Testing

/// A store implementation the suite runs against.
///
/// SQLite always; PostgreSQL when `PROCTOR_TEST_DATABASE_URL` names a server (see
/// `scripts/postgres.sh`). A URL that is set but wrong or unreachable fails the tests rather than
/// skipping them: a CI run that meant to test PostgreSQL must not pass without it.
enum Backend: Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres(url: String)

    static let databaseURL = ProcessInfo.processInfo.environment["PROCTOR_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }

    static let all: [Backend] = [.sqlite] + (databaseURL.map { [.postgres(url: $0)] } ?? [])

    var testDescription: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// Runs `body` on a new, empty, migrated store, and deletes it afterwards.
    func withStore(_ body: (any DataStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-store-\(UUID().uuidString).sqlite").path
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            try await body(try SQLiteSessionStore(path: path))
        case .postgres(let url):
            try await TestDatabase.with(serverURL: url) { database in
                try await TestDatabase.withRunningStore(database) { store in try await body(store) }
            }
        }
    }
}

/// A PostgreSQL database of its own for one test.
enum TestDatabase {
    static let logger: Logger = {
        var logger = Logger(label: "proctor.store-tests")
        // Errors only: PostgresNIO warns when a query leases a connection in the instant before the
        // pool's run() has begun, which every test does right after starting the store.
        logger.logLevel = .error
        return logger
    }()

    /// Creates `proctor_test_<random>` on the server of `serverURL`, runs `body` with its URL, drops it.
    static func with<Result: Sendable>(serverURL: String, _ body: (PostgresURL) async throws -> Result) async throws -> Result {
        let server = try PostgresURL(serverURL)
        let name = "proctor_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        // Identifiers cannot be bound as parameters; this one is made of [a-z0-9_] only.
        try await admin(server) { connection in
            _ = try await connection.query("CREATE DATABASE \(unescaped: name)", logger: logger)
        }
        do {
            let result = try await body(server.with(database: name))
            try await drop(name, server: server)
            return result
        } catch {
            try? await drop(name, server: server)
            throw error
        }
    }

    /// A running, migrated store on `url`; the pool stops when `body` returns.
    static func withRunningStore<Result: Sendable>(
        _ url: PostgresURL, migrate: Bool = true,
        _ body: (PostgresSessionStore) async throws -> Result
    ) async throws -> Result {
        let store = PostgresSessionStore(configuration: url.clientConfiguration, logger: logger)
        let running = Task { await store.run() }
        defer { running.cancel() }
        if migrate { try await store.migrate() }
        let result = try await body(store)
        running.cancel()
        await running.value
        return result
    }

    /// A query on a plain connection to the database of `url`, outside any store.
    static func admin<Result: Sendable>(_ url: PostgresURL, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 1, logger: logger)
        } catch {
            throw TestDatabaseError(description: "cannot connect to \(url) (PROCTOR_TEST_DATABASE_URL): \(String(reflecting: error))")
        }
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func drop(_ name: some StringProtocol, server: PostgresURL) async throws {
        try await admin(server) { connection in
            _ = try await connection.query("DROP DATABASE IF EXISTS \(unescaped: String(name)) WITH (FORCE)", logger: logger)
        }
    }
}

struct TestDatabaseError: Error, CustomStringConvertible {
    var description: String
}
