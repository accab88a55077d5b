import Foundation
import GRDB
import PostgresNIO
import ProctorCore
import ProctorStore
import Testing

@testable import ProctorStorePostgres
@testable import ProctorStoreSQLite

/// The two backends' schemas, compared; and the v6 migration, run on rows of the old schema.
@Suite("Schema")
struct SchemaTests {
    /// A column as both backends describe it: the type reduced to what the product relies on.
    struct Column: Hashable, CustomStringConvertible {
        var table: String
        var name: String
        var type: String
        var nullable: Bool
        var description: String { "\(table).\(name) \(type)\(nullable ? "" : " NOT NULL")" }
    }

    static func canonical(_ type: String) -> String {
        switch type.lowercased() {
        case "text", "character varying": "text"
        case "integer", "bigint", "smallint": "integer"
        case "double", "double precision", "real", "numeric": "real"
        case "datetime", "timestamp with time zone", "timestamptz": "date"
        case "boolean": "bool"
        case "blob", "bytea": "bytes"
        default: type.lowercased()
        }
    }

    static func sqliteSchema(_ store: SQLiteSessionStore) async throws -> (columns: Set<Column>, indexes: Set<String>) {
        try await store.database.read { db in
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'")
            var columns = Set<Column>()
            var indexes = Set<String>()
            for table in tables {
                for row in try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))") {
                    let primaryKey: Int = row["pk"]
                    let notNull: Int = row["notnull"]
                    columns.insert(Column(table: table, name: row["name"], type: canonical(row["type"]), nullable: notNull == 0 && primaryKey == 0))
                }
                for index in try Row.fetchAll(db, sql: "PRAGMA index_list(\(table))") where (index["origin"] as String) == "c" {
                    let name: String = index["name"]
                    let names = try String.fetchAll(db, sql: "SELECT name FROM pragma_index_info(?) ORDER BY seqno", arguments: [name])
                    indexes.insert("\(table)(\(names.joined(separator: ",")))")
                }
            }
            return (columns, indexes)
        }
    }

    static func postgresSchema(_ url: PostgresURL) async throws -> (columns: Set<Column>, indexes: Set<String>) {
        try await TestDatabase.admin(url) { connection in
            var columns = Set<Column>()
            let rows = try await connection.query(
                """
                SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
                """, logger: TestDatabase.logger)
            for try await (table, name, type, nullable) in rows.decode((String, String, String, String).self) {
                columns.insert(Column(table: table, name: name, type: canonical(type), nullable: nullable == "YES"))
            }
            var indexes = Set<String>()
            // Explicitly created indexes (not those behind primary keys and unique constraints), as table(columns).
            let indexRows = try await connection.query(
                """
                SELECT t.relname::text, array_to_string(array_agg(a.attname::text ORDER BY k.ordinality), ',')
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ordinality) ON true
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                WHERE n.nspname = 'public' AND NOT x.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                  AND t.relname <> 'schema_migrations'
                GROUP BY t.relname, i.relname
                """, logger: TestDatabase.logger)
            for try await (table, names) in indexRows.decode((String, String).self) { indexes.insert("\(table)(\(names))") }
            return (columns, indexes)
        }
    }

    /// Indexes only PostgreSQL has, and why: they are dialect (concurrency), not schema.
    static let postgresOnlyIndexes = [
        // SQLite's single writer makes "enqueue unless one is waiting or running" atomic; PostgreSQL's
        // concurrent enqueues need a partial unique index (`jobs_pending`) to say no.
        "jobs(kind,session_id,chunk_index)": "jobs_pending"
    ]

    @Test(
        "SQLite and PostgreSQL have the same tables, columns, types, nullability and indexes after all migrations",
        .enabled(if: Backend.databaseURL != nil, "needs PROCTOR_TEST_DATABASE_URL"))
    func sameSchema() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-schema-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let sqlite = try await Self.sqliteSchema(try SQLiteSessionStore(path: path))
        let postgres = try await TestDatabase.with(serverURL: try #require(Backend.databaseURL)) { url in
            try await TestDatabase.withRunningStore(url) { _ in }
            return try await Self.postgresSchema(url)
        }
        #expect(sqlite.columns.count > 50)
        let onlySQLite = sqlite.columns.subtracting(postgres.columns).map(\.description).sorted()
        let onlyPostgres = postgres.columns.subtracting(sqlite.columns).map(\.description).sorted()
        #expect(onlySQLite.isEmpty && onlyPostgres.isEmpty, "SQLite only: \(onlySQLite); PostgreSQL only: \(onlyPostgres)")
        let postgresIndexes = postgres.indexes.subtracting(Self.postgresOnlyIndexes.keys)
        #expect(sqlite.indexes == postgresIndexes, "SQLite: \(sqlite.indexes.sorted()); PostgreSQL: \(postgresIndexes.sorted())")
        #expect(Set(Self.postgresOnlyIndexes.keys).isSubset(of: postgres.indexes))
    }

    /// Rows of the v5 schema: one live violation with evidence, one without, and a recorded event
    /// that a reviewer confirmed.
    static let legacyRows = [
        "INSERT INTO sessions (id, external_id, started_at, status, metadata) VALUES ('s1', 's1', '2026-01-01 10:00:00', 'completed', '{}')",
        """
        INSERT INTO violations (id, session_id, type, severity, start_time, end_time, duration, peak_confidence, frames, evidence_path,
                                reviewed, created_at)
        VALUES ('v1', 's1', 'multiple_people', 40, 3, 7, 4, 0.9, 9, 'evidence/s1/v1.jpg', false, '2026-01-01 10:00:03'),
               ('v2', 's1', 'no_face', 20, 10, 11, 1, 1, 2, NULL, false, '2026-01-01 10:00:10')
        """,
        """
        INSERT INTO events (id, session_id, chunk_index, type, start_offset, end_offset, start_time, end_time, peak_confidence, details,
                            evidence_key, decision, note, reviewed_at, created_at)
        VALUES ('e1', 's1', 1, 'identity_mismatch', 2, 5, 22, 25, 0.7,
                '{"lowest_similarity":0.12,"verdict":"different","match_threshold":0.45}', 'sessions/s1/evidence/e1.jpg',
                'confirmed', 'not the candidate', '2026-01-02 09:00:00', '2026-01-01 10:00:30')
        """,
    ]

    static func checkMigrated(_ store: any DataStore) async throws {
        let findings = try await store.findings(sessionId: "s1")
        #expect(findings.map(\.id) == ["v1", "v2", "e1"])
        let live = try #require(findings.first)
        #expect(live.source == .live && live.type == .multiplePeople && live.severity == 40 && live.confidence == 0.9 && live.frames == 9)
        #expect(live.sessionStart == 3 && live.sessionEnd == 7 && live.chunkIndex == nil)
        #expect(live.evidenceKey == "sessions/s1/evidence/v1.jpg")
        #expect(findings[1].evidenceKey == nil)
        let recorded = findings[2]
        #expect(recorded.source == .recorded && recorded.type == .identityMismatch && recorded.chunkIndex == 1)
        #expect(recorded.chunkStart == 2 && recorded.chunkEnd == 5 && recorded.videoStart == 22 && recorded.videoEnd == 25)
        #expect(recorded.details == FindingDetails(lowestSimilarity: 0.12, verdict: .different, matchThreshold: 0.45))
        #expect(recorded.decision == .confirmed && recorded.note == "not the candidate" && recorded.reviewedAt != nil)
        #expect(recorded.evidenceKey == "sessions/s1/evidence/e1.jpg")
        #expect(try await store.purgeTarget(sessionId: "s1")?.blobKeys == ["sessions/s1/evidence/e1.jpg", "sessions/s1/evidence/v1.jpg"])
    }

    @Test("v6 moves SQLite's live violations and recorded events into findings")
    func sqliteMigration() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-v5-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let database = try DatabaseQueue(path: path)
            try SQLiteSessionStore.migrator.migrate(database, upTo: "v5: live presence")
            try await database.write { db in for statement in Self.legacyRows { try db.execute(sql: statement) } }
        }
        try await Self.checkMigrated(try SQLiteSessionStore(path: path))
    }

    @Test(
        "v6 moves PostgreSQL's live violations and recorded events into findings",
        .enabled(if: Backend.databaseURL != nil, "needs PROCTOR_TEST_DATABASE_URL"))
    func postgresMigration() async throws {
        try await TestDatabase.with(serverURL: try #require(Backend.databaseURL)) { url in
            try await TestDatabase.admin(url) { connection in
                _ = try await connection.query(
                    "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)",
                    logger: TestDatabase.logger)
                for migration in PostgresSessionStore.migrations where migration.version <= 5 {
                    for statement in migration.statements { _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: TestDatabase.logger) }
                    _ = try await connection.query(
                        "INSERT INTO schema_migrations VALUES (\(migration.version), \(migration.name), now())", logger: TestDatabase.logger)
                }
                for statement in Self.legacyRows { _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: TestDatabase.logger) }
            }
            try await TestDatabase.withRunningStore(url) { store in try await Self.checkMigrated(store) }
        }
    }
}
