import ProctorCore

/// Where a session's rows and file references live, written once for every backend: what a
/// deletion removes, what a purge collects and clears. Only these fixed names are spliced into
/// SQL, never values.
public enum SessionDataLayout {
    /// Tables with a `session_id` column, in deletion order (children first); `sessions` goes last.
    /// `session_keys` is among them: deleting a session deletes its wrapped data key (crypto-shredding).
    public static let sessionTables = [
        "gaze_calibrations", "jobs", "milestones", "findings", "chunks", "recordings", "detections", "session_summaries", "live_tickets", "session_keys",
    ]

    /// A column holding blob keys.
    public struct BlobColumn: Sendable, Hashable {
        public let table: String
        public let column: String
        /// Cleared when the data kind is purged (false for a key that is part of the row's identity).
        public let clearedOnPurge: Bool
    }

    /// The columns that point at files of `kind`.
    public static func blobColumns(_ kind: RetentionPolicy.DataKind) -> [BlobColumn] {
        switch kind {
        case .video:
            [
                BlobColumn(table: "recordings", column: "master_key", clearedOnPurge: true),
                BlobColumn(table: "chunks", column: "blob_key", clearedOnPurge: false),
                BlobColumn(table: "chunks", column: "batch_key", clearedOnPurge: true),
            ]
        case .evidence:
            [BlobColumn(table: "findings", column: "evidence_key", clearedOnPurge: true)]
        case .faceData:
            [BlobColumn(table: "recordings", column: "reference_key", clearedOnPurge: true)]
        }
    }

    /// Columns of non-file data cleared with `kind` (the face embedding goes with the reference photo).
    public static func dataColumns(_ kind: RetentionPolicy.DataKind) -> [(table: String, column: String)] {
        kind == .faceData ? [("recordings", "reference_embedding")] : []
    }

    /// The `sessions` column that marks `kind` purged.
    public static func purgedColumn(_ kind: RetentionPolicy.DataKind) -> String {
        switch kind {
        case .video: "video_purged_at"
        case .evidence: "evidence_purged_at"
        case .faceData: "face_data_purged_at"
        }
    }

    /// Every clear statement for `kind` as (table, column) pairs.
    public static func clearedColumns(_ kind: RetentionPolicy.DataKind) -> [(table: String, column: String)] {
        blobColumns(kind).filter(\.clearedOnPurge).map { ($0.table, $0.column) } + dataColumns(kind)
    }
}
