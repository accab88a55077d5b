import Foundation
import Logging
import PostgresNIO
import ProctorStore

/// The store on PostgreSQL, for deployments where several servers and workers share one database.
///
/// It implements the same protocols as `SQLiteSessionStore` with the same tables, columns and
/// results, so the server and workers do not know which one they talk to. What PostgreSQL adds is
/// concurrency: jobs are claimed with `FOR UPDATE SKIP LOCKED`, so workers on several machines never
/// take the same job, and enqueueing sends `NOTIFY proctor_jobs`, so idle workers wake at once
/// instead of at their next poll.
///
/// The connection pool only works while `run()` runs (in the server's service group, or a task of
/// the caller's): start it, then `migrate()`, then use the store.
public final class PostgresSessionStore: Sendable {
    /// The NOTIFY channel for new jobs.
    static let jobChannel = "proctor_jobs"

    let client: PostgresClient
    let logger: Logger
    let wakeUps = JobWakeUps()

    /// A store on `configuration`'s database; nothing connects until `run()` starts.
    public init(configuration: PostgresClient.Configuration, logger: Logger) {
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// A store for a `postgres://` URL (see `PostgresURL`).
    public static func connect(url: String, logger: Logger) throws -> PostgresSessionStore {
        let parsed = try PostgresURL(url)
        var logger = logger
        logger[metadataKey: "database"] = "\(parsed)"
        return PostgresSessionStore(configuration: parsed.clientConfiguration, logger: logger)
    }

    /// Runs the connection pool and the job listener until the task is cancelled (or, inside a
    /// ServiceLifecycle service group, until graceful shutdown). Call it once.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            group.addTask { await self.listenForJobs() }
            // The pool ends on cancellation or shutdown; the listener has nothing to listen on then.
            await group.next()
            group.cancelAll()
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    ///
    /// Errors thrown inside come out as they are (a unique violation stays a `PSQLError`), rather
    /// than wrapped in PostgresNIO's `PostgresTransactionError`.
    @discardableResult
    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(connection)
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
    }

    /// A read of several statements that must agree with each other: one snapshot, as SQLite's
    /// readers see one.
    func snapshot<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            return try await body(connection)
        }
    }

    /// The rows of a single statement (its own transaction).
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await client.query(query, logger: logger).collect()
    }
}

extension PostgresConnection {
    /// The rows of a statement run on this connection (inside a transaction).
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}
