import GRDB
import ProctorCore
import ProctorStore

/// A record stored in a table whose columns are the snake_case names of its Codable properties.
protocol SnakeCaseTableRecord: FetchableRecord, PersistableRecord {}

extension SnakeCaseTableRecord {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

extension SessionRecord: SnakeCaseTableRecord {
    public static let databaseTableName = "sessions"
}

extension SessionRecord.Status: DatabaseValueConvertible {}

extension DetectionRecord: SnakeCaseTableRecord {
    public static let databaseTableName = "detections"
}

extension FindingRecord: SnakeCaseTableRecord {
    public static let databaseTableName = "findings"
}

extension FindingSource: DatabaseValueConvertible {}
extension FindingDecision: DatabaseValueConvertible {}
extension ViolationKind: DatabaseValueConvertible {}

extension SessionSummaryRecord: SnakeCaseTableRecord {
    public static let databaseTableName = "session_summaries"
}

extension RecordingRecord: SnakeCaseTableRecord {
    public static let databaseTableName = "recordings"
}

extension ChunkRecord: SnakeCaseTableRecord {
    public static let databaseTableName = "chunks"
}

extension JobRecord: SnakeCaseTableRecord {
    public static let databaseTableName = "jobs"
}

extension MilestoneRecord: SnakeCaseTableRecord {
    public static let databaseTableName = "milestones"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension MilestoneRecord.Kind: DatabaseValueConvertible {}

extension UserRecord: SnakeCaseTableRecord {
    public static let databaseTableName = "users"
}

extension Role: DatabaseValueConvertible {}

extension AuditRecord: SnakeCaseTableRecord {
    public static let databaseTableName = "audit_log"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension LivePresenceRecord: SnakeCaseTableRecord {
    public static let databaseTableName = "live_presence"
}
