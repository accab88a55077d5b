import Foundation
import GRDB
import ProctorCore
import ProctorStore

extension SQLiteSessionStore: FindingStore {
    public func findings(sessionId: String) async throws -> [FindingRecord] {
        try await database.read { db in
            try FindingRecord.filter(Column("session_id") == sessionId)
                .order(Column("source"), Column("chunk_index"), Column("chunk_start"), Column("session_start"), Column("id"))
                .fetchAll(db)
        }
    }

    public func finding(sessionId: String, id: String) async throws -> FindingRecord? {
        try await database.read { db in
            try FindingRecord.filter(Column("session_id") == sessionId && Column("id") == id).fetchOne(db)
        }
    }

    public func updateFinding(_ finding: FindingRecord) async throws {
        try await database.write { db in try finding.update(db) }
    }

    public func addFinding(_ finding: FindingRecord) async throws -> Bool {
        try await database.write { db in
            guard try FindingRecord.fetchOne(db, key: finding.id) == nil else { return false }
            try finding.insert(db)
            return true
        }
    }

    public func deleteFinding(sessionId: String, id: String) async throws {
        _ = try await database.write { db in
            try FindingRecord.filter(Column("session_id") == sessionId && Column("id") == id).deleteAll(db)
        }
    }

    public func replaceFindings(sessionId: String, chunkIndex: Int, with findings: [FindingRecord]) async throws {
        try await database.write { db in
            try FindingRecord.filter(
                Column("session_id") == sessionId && [FindingSource.recorded.rawValue, FindingSource.audio.rawValue].contains(Column("source"))
                    && Column("chunk_index") == chunkIndex
            ).deleteAll(db)
            for finding in findings { try finding.insert(db) }
        }
    }

    public func openFindingCounts(sessionIds: [String], sources: [FindingSource]) async throws -> [String: [String: Int]] {
        guard !sessionIds.isEmpty, !sources.isEmpty else { return [:] }
        return try await database.read { db in
            let placeholders = sessionIds.map { _ in "?" }.joined(separator: ",")
            let sourcePlaceholders = sources.map { _ in "?" }.joined(separator: ",")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT session_id, type, COUNT(*) AS n FROM findings
                    WHERE session_id IN (\(placeholders)) AND source IN (\(sourcePlaceholders)) AND (decision IS NULL OR decision <> 'dismissed')
                    GROUP BY session_id, type
                    """, arguments: StatementArguments(sessionIds + sources.map(\.rawValue)))
            var counts: [String: [String: Int]] = [:]
            for row in rows { counts[row["session_id"], default: [:]][row["type"]] = row["n"] }
            return counts
        }
    }

    public func openPoorLightingNoFaceCounts(sessionIds: [String], sources: [FindingSource]) async throws -> [String: Int] {
        guard !sessionIds.isEmpty, !sources.isEmpty else { return [:] }
        return try await database.read { db in
            let placeholders = sessionIds.map { _ in "?" }.joined(separator: ",")
            let sourcePlaceholders = sources.map { _ in "?" }.joined(separator: ",")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT session_id, COUNT(*) AS n FROM findings
                    WHERE session_id IN (\(placeholders)) AND source IN (\(sourcePlaceholders)) AND (decision IS NULL OR decision <> 'dismissed')
                      AND type = 'no_face' AND details LIKE ?
                    GROUP BY session_id
                    """, arguments: StatementArguments(sessionIds + sources.map(\.rawValue) + [poorLightingDetailsPattern]))
            var counts: [String: Int] = [:]
            for row in rows { counts[row["session_id"]] = row["n"] }
            return counts
        }
    }
}
