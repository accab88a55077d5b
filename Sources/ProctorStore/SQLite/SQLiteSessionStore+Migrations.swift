import GRDB

extension SQLiteSessionStore {
    /// Versioned schema. A migration, once released, is never edited: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: sessions, detections, violations, summaries") { db in
            try db.create(table: "sessions") { t in
                t.primaryKey("id", .text)
                t.column("external_id", .text).notNull().unique()
                t.column("started_at", .datetime).notNull()
                t.column("ended_at", .datetime)
                t.column("status", .text).notNull()
                t.column("metadata", .text).notNull().defaults(to: "{}")
            }
            try db.create(index: "sessions_started_at", on: "sessions", columns: ["started_at"])
            try db.create(table: "detections") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("session_id", .text).notNull().references("sessions", onDelete: .cascade)
                t.column("timestamp", .double).notNull()
                t.column("recorded_at", .datetime).notNull()
                t.column("face_count", .integer).notNull()
                t.column("person_count", .integer)
                t.column("yaw", .double)
                t.column("pitch", .double)
                t.column("roll", .double)
                t.column("deviation", .boolean).notNull()
                t.column("forbidden_items", .text).notNull()
                t.column("risk_score", .double).notNull()
                t.column("alert_level", .text).notNull()
                t.column("processing_ms", .double).notNull()
            }
            try db.create(index: "detections_session_time", on: "detections", columns: ["session_id", "timestamp"])
            try db.create(table: "violations") { t in
                t.primaryKey("id", .text)
                t.column("session_id", .text).notNull().references("sessions", onDelete: .cascade)
                t.column("type", .text).notNull()
                t.column("severity", .double).notNull()
                t.column("start_time", .double).notNull()
                t.column("end_time", .double).notNull()
                t.column("duration", .double).notNull()
                t.column("peak_confidence", .double).notNull()
                t.column("frames", .integer).notNull()
                t.column("evidence_path", .text)
                t.column("reviewed", .boolean).notNull().defaults(to: false)
                t.column("decision", .text)
                t.column("reviewer_notes", .text)
                t.column("created_at", .datetime).notNull()
            }
            try db.create(index: "violations_session_time", on: "violations", columns: ["session_id", "start_time"])
            try db.create(table: "session_summaries") { t in
                t.primaryKey("session_id", .text).references("sessions", onDelete: .cascade)
                t.column("total_frames", .integer).notNull()
                t.column("processed_frames", .integer).notNull()
                t.column("skipped_frames", .integer).notNull()
                t.column("dropped_frames", .integer).notNull()
                t.column("violation_count", .integer).notNull()
                t.column("violation_breakdown", .text).notNull()
                t.column("max_risk", .double).notNull()
                t.column("average_risk", .double).notNull()
                t.column("highest_alert", .text).notNull()
                t.column("duration", .double).notNull()
                t.column("updated_at", .datetime).notNull()
            }
        }
        return migrator
    }
}
