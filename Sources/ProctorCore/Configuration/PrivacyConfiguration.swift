/// How long captured data is kept. The purge job deletes what is older, in batches, rows and files
/// together; the candidate's consent notice quotes these numbers.
public struct PrivacyConfiguration: Sendable, Hashable, Codable {
    /// Merged videos and any leftover chunks, counted from the session's end.
    public var videoDays = 30
    /// Snapshots of flagged moments (live violations and recorded events).
    public var evidenceDays = 90
    /// Reference photos and face embeddings.
    public var faceDataDays = 30
    /// How often the purge job runs (embedded in `serve` and in `worker --role all|purge`).
    public var purgeIntervalMinutes = 60.0
    /// Sessions purged per batch, so a large backlog never holds the database for long.
    public var purgeBatchSize = 50

    public init() {}
}
