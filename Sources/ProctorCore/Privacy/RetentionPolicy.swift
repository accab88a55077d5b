import Foundation

/// Which captured data of an ended session is past its retention, from the configured days. Pure:
/// the purge job asks it, then deletes.
public struct RetentionPolicy: Sendable, Hashable {
    public enum DataKind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Merged video, batches and chunks.
        case video
        /// Snapshots of live violations and recorded events.
        case evidence
        /// Reference photo and face embedding.
        case faceData = "face_data"
    }

    public var videoDays: Double
    public var evidenceDays: Double
    public var faceDataDays: Double

    public init(videoDays: Double, evidenceDays: Double, faceDataDays: Double) {
        self.videoDays = videoDays
        self.evidenceDays = evidenceDays
        self.faceDataDays = faceDataDays
    }

    public init(_ configuration: PrivacyConfiguration) {
        self.init(
            videoDays: Double(configuration.videoDays), evidenceDays: Double(configuration.evidenceDays), faceDataDays: Double(configuration.faceDataDays))
    }

    public func days(_ kind: DataKind) -> Double {
        switch kind {
        case .video: videoDays
        case .evidence: evidenceDays
        case .faceData: faceDataDays
        }
    }

    /// Sessions that ended before this moment have `kind` due for deletion.
    public func cutoff(_ kind: DataKind, now: Date) -> Date {
        now.addingTimeInterval(-days(kind) * 86_400)
    }

    /// Whether a session that ended at `endedAt` (nil: still running) has `kind` due.
    public func isDue(_ kind: DataKind, endedAt: Date?, now: Date) -> Bool {
        guard let endedAt else { return false }
        return endedAt < cutoff(kind, now: now)
    }
}
