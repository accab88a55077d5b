/// Schema steps whose SQL is the same on every backend but for column types, written once.
public enum SessionDataMigration {
    public enum Dialect: Sendable {
        case sqlite
        case postgres

        var real: String { self == .sqlite ? "DOUBLE" : "double precision" }
        var integer: String { self == .sqlite ? "INTEGER" : "bigint" }
        var date: String { self == .sqlite ? "DATETIME" : "timestamptz" }
    }

    /// v6: live violations and recorded events become rows of one `findings` table. Live evidence
    /// moves into the blob store under `sessions/<id>/evidence/<finding>.jpg` (the server moves the
    /// old files there on start, `LegacyEvidenceMover`); the review fields of violations, never
    /// written, are dropped with the table.
    public static func findingsStatements(dialect: Dialect) -> [String] {
        [
            """
            CREATE TABLE findings (
                id text PRIMARY KEY NOT NULL,
                session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                source text NOT NULL,
                type text NOT NULL,
                severity \(dialect.real) NOT NULL,
                session_start \(dialect.real),
                session_end \(dialect.real),
                chunk_index \(dialect.integer),
                chunk_start \(dialect.real),
                chunk_end \(dialect.real),
                video_start \(dialect.real),
                video_end \(dialect.real),
                confidence \(dialect.real) NOT NULL,
                frames \(dialect.integer) NOT NULL,
                details text NOT NULL,
                evidence_key text,
                decision text,
                note text,
                reviewer text,
                reviewed_at \(dialect.date),
                created_at \(dialect.date) NOT NULL
            )
            """,
            "CREATE INDEX findings_session ON findings (session_id, source, chunk_index)",
            """
            INSERT INTO findings (id, session_id, source, type, severity, session_start, session_end, confidence, frames, details,
                                  evidence_key, created_at)
            SELECT id, session_id, 'live', type, severity, start_time, end_time, peak_confidence, frames, '{}',
                   CASE WHEN evidence_path IS NULL THEN NULL ELSE 'sessions/' || session_id || '/evidence/' || id || '.jpg' END,
                   created_at
            FROM violations
            """,
            """
            INSERT INTO findings (id, session_id, source, type, severity, chunk_index, chunk_start, chunk_end, video_start, video_end,
                                  confidence, frames, details, evidence_key, decision, note, reviewed_at, created_at)
            SELECT id, session_id, 'recorded', type, 0, chunk_index, start_offset, end_offset, start_time, end_time,
                   peak_confidence, 0, details, evidence_key, decision, note, reviewed_at, created_at
            FROM events
            """,
            "DROP TABLE violations",
            "DROP TABLE events",
        ]
    }

    /// v7: findings keep their wall-clock times, so browser findings (and any other) can be placed
    /// on the video through the chunks' start times.
    public static func findingTimesStatements(dialect: Dialect) -> [String] {
        [
            "ALTER TABLE findings ADD COLUMN started_at \(dialect.date)",
            "ALTER TABLE findings ADD COLUMN ended_at \(dialect.date)",
        ]
    }

    /// v8: the gaze calibration stored with a session (one row per session; the calibration itself
    /// as JSON, see `GazeCalibrationRecord`).
    public static func gazeCalibrationStatements(dialect: Dialect) -> [String] {
        [
            """
            CREATE TABLE gaze_calibrations (
                session_id text PRIMARY KEY NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                source text NOT NULL,
                calibration text NOT NULL,
                frames \(dialect.integer) NOT NULL,
                created_at \(dialect.date) NOT NULL
            )
            """
        ]
    }

    /// v9: the exam's audio policy with each recorded session (`AudioPolicy`; earlier sessions were
    /// recorded without asking for sound, which `on` describes: nothing is flagged for its absence).
    public static func audioPolicyStatements(dialect: Dialect) -> [String] {
        ["ALTER TABLE recordings ADD COLUMN audio_policy text NOT NULL DEFAULT 'on'"]
    }

    /// v10: the wrapped data key of each session (crypto-shredding: deleting the row makes the
    /// session's blobs unreadable, even copies in old backups) and the single-use live tickets.
    /// No foreign keys: a key may exist before its session row (a live snapshot) and goes with it.
    public static func protectionStatements(dialect: Dialect) -> [String] {
        [
            """
            CREATE TABLE session_keys (
                session_id text PRIMARY KEY,
                master_key_id text NOT NULL,
                wrapped_key text NOT NULL,
                created_at \(dialect.date) NOT NULL
            )
            """,
            "CREATE INDEX session_keys_master ON session_keys (master_key_id)",
            """
            CREATE TABLE live_tickets (
                ticket_hash text PRIMARY KEY,
                session_id text NOT NULL,
                caller_id text NOT NULL,
                caller_role text NOT NULL,
                caller_name text NOT NULL,
                token_hash text NOT NULL,
                expires_at \(dialect.date) NOT NULL
            )
            """,
            "CREATE INDEX live_tickets_session ON live_tickets (session_id)",
            "CREATE INDEX live_tickets_expiry ON live_tickets (expires_at)",
        ]
    }
}
