import GRDB
import ProctorCore
import ProctorStore

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
        migrator.registerMigration("v2: recordings, chunks, jobs, locks, events") { db in
            try db.create(table: "recordings") { t in
                t.primaryKey("session_id", .text).references("sessions", onDelete: .cascade)
                t.column("exam_id", .text).notNull()
                t.column("candidate_id", .text).notNull()
                t.column("chunk_seconds", .double).notNull()
                t.column("upload_token_hash", .text).notNull()
                t.column("reference_key", .text)
                t.column("reference_embedding", .text)
                t.column("end_requested_at", .datetime)
                t.column("last_index", .integer)
                t.column("master_key", .text)
                t.column("master_duration", .double)
                t.column("finalized_at", .datetime)
                t.column("gaps", .text)
            }
            try db.create(table: "chunks") { t in
                t.column("session_id", .text).notNull().references("sessions", onDelete: .cascade)
                t.column("index", .integer).notNull()
                t.column("sha256", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("blob_key", .text).notNull()
                t.column("status", .text).notNull()
                t.column("duration", .double)
                t.column("error", .text)
                t.column("batch_key", .text)
                t.column("uploaded_at", .datetime).notNull()
                t.primaryKey(["session_id", "index"])
            }
            try db.create(table: "jobs") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull()
                t.column("session_id", .text).notNull()
                t.column("chunk_index", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull()
                t.column("run_after", .double).notNull()
                t.column("lease_owner", .text)
                t.column("lease_expires_at", .double)
                t.column("last_error", .text)
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(index: "jobs_due", on: "jobs", columns: ["status", "kind", "run_after"])
            try db.create(index: "jobs_session", on: "jobs", columns: ["session_id", "kind", "chunk_index"])
            try db.create(table: "locks") { t in
                t.primaryKey("name", .text)
                t.column("owner", .text).notNull()
                t.column("expires_at", .double).notNull()
            }
            try db.create(table: "events") { t in
                t.primaryKey("id", .text)
                t.column("session_id", .text).notNull().references("sessions", onDelete: .cascade)
                t.column("chunk_index", .integer).notNull()
                t.column("type", .text).notNull()
                t.column("start_offset", .double).notNull()
                t.column("end_offset", .double).notNull()
                t.column("start_time", .double)
                t.column("end_time", .double)
                t.column("peak_confidence", .double).notNull()
                t.column("details", .text).notNull()
                t.column("evidence_key", .text)
                t.column("decision", .text)
                t.column("note", .text)
                t.column("reviewed_at", .datetime)
                t.column("created_at", .datetime).notNull()
            }
            try db.create(index: "events_session", on: "events", columns: ["session_id", "chunk_index", "start_offset"])
        }
        migrator.registerMigration("v3: consent, milestones, chunk start times, session review") { db in
            try db.alter(table: "recordings") { t in
                t.add(column: "consent_at", .datetime)
                t.add(column: "consent_version", .text)
            }
            try db.alter(table: "chunks") { t in t.add(column: "started_at", .datetime) }
            try db.alter(table: "sessions") { t in t.add(column: "reviewed_at", .datetime) }
            try db.create(table: "milestones") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("session_id", .text).notNull().references("sessions", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("details", .text).notNull()
            }
            try db.create(index: "milestones_session", on: "milestones", columns: ["session_id", "at"])
        }
        migrator.registerMigration("v4: users, settings, audit log, accommodations, purge markers") { db in
            try db.create(table: "users") { t in
                t.primaryKey("id", .text)
                t.column("username", .text).notNull().unique()
                t.column("role", .text).notNull()
                t.column("password_hash", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("disabled_at", .datetime)
            }
            try db.create(table: "settings") { t in
                t.primaryKey("name", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "audit_log") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull()
                t.column("actor", .text).notNull()
                t.column("role", .text).notNull()
                t.column("action", .text).notNull()
                t.column("target", .text).notNull()
                t.column("details", .text).notNull()
                t.column("ip", .text).notNull()
            }
            try db.create(index: "audit_target", on: "audit_log", columns: ["target", "id"])
            try db.create(table: "accommodations") { t in
                t.column("candidate_id", .text).notNull()
                t.column("exam_id", .text).notNull()
                t.column("scales", .text).notNull()
                t.column("note", .text).notNull()
                t.primaryKey(["candidate_id", "exam_id"])
            }
            try db.alter(table: "sessions") { t in
                t.add(column: "video_purged_at", .datetime)
                t.add(column: "evidence_purged_at", .datetime)
                t.add(column: "face_data_purged_at", .datetime)
            }
        }
        migrator.registerMigration("v5: live presence") { db in
            try db.create(table: "live_presence") { t in
                t.primaryKey("session_id", .text)
                t.column("server_session_id", .text).notNull()
                t.column("connection", .text).notNull()
                t.column("server", .text).notNull()
                t.column("connected_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
                t.column("frames_received", .integer).notNull()
                t.column("frames_processed", .integer).notNull()
                t.column("frames_dropped", .integer).notNull()
                t.column("risk_score", .double).notNull()
                t.column("alert_level", .text).notNull()
                t.column("last_violation", .text)
                t.column("last_violation_at", .datetime)
                t.column("snapshot_version", .integer).notNull()
            }
            try db.create(index: "live_presence_updated", on: "live_presence", columns: ["updated_at"])
        }
        migrator.registerMigration("v6: one findings table for live violations and recorded events") { db in
            for statement in SessionDataMigration.findingsStatements(dialect: .sqlite) { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v7: wall-clock times of findings") { db in
            for statement in SessionDataMigration.findingTimesStatements(dialect: .sqlite) { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v8: gaze calibrations") { db in
            for statement in SessionDataMigration.gazeCalibrationStatements(dialect: .sqlite) { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v9: audio policy") { db in
            for statement in SessionDataMigration.audioPolicyStatements(dialect: .sqlite) { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v10: session data keys, live tickets") { db in
            for statement in SessionDataMigration.protectionStatements(dialect: .sqlite) { try db.execute(sql: statement) }
        }
        return migrator
    }
}
