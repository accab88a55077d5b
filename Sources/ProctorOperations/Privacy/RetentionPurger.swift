import Foundation
import Logging
import ProctorCore
import ProctorRecording
import ProctorStore

/// Enforces the retention policy: finds ended sessions whose videos, evidence or face data are past
/// their days, deletes the files, then clears the rows' references and marks them purged, batch by
/// batch, and writes what it deleted to the audit log (actor `system`); then removes orphaned
/// blobs (`OrphanPurger`).
public struct RetentionPurger: Sendable {
    let store: any PrivacyStore & AccountStore & SessionStore & RecordingStore
    let blobs: any BlobStore
    let privacy: PrivacyConfiguration
    let logger: Logger

    public init(store: any PrivacyStore & AccountStore & SessionStore & RecordingStore, blobs: any BlobStore, privacy: PrivacyConfiguration, logger: Logger) {
        self.store = store
        self.blobs = blobs
        self.privacy = privacy
        self.logger = logger
    }

    public struct Report: Sendable, Hashable {
        /// Sessions purged per data kind.
        public var sessions: [RetentionPolicy.DataKind: Int] = [:]
        public var files = 0
        /// Blobs that no row named, removed.
        public var orphans = 0

        public init() {}
    }

    public func runOnce(now: Date = Date()) async throws -> Report {
        let policy = RetentionPolicy(privacy)
        let batchSize = max(1, privacy.purgeBatchSize)
        let eraser = DataEraser(blobs: blobs)
        var report = Report()
        for kind in RetentionPolicy.DataKind.allCases {
            while true {
                let targets = try await store.purgeCandidates(kind, endedBefore: policy.cutoff(kind, now: now), limit: batchSize)
                if targets.isEmpty { break }
                var files = 0
                for target in targets {
                    files += try await eraser.erase(target, wholeSession: false)
                    try await store.markPurged(kind, sessionId: target.sessionId, at: now)
                }
                report.sessions[kind, default: 0] += targets.count
                report.files += files
                let details: [String: JSONValue] = [
                    "kind": .string(kind.rawValue), "sessions": JSONValue(targets.map(\.sessionId)), "files_deleted": JSONValue(files),
                    "older_than_days": JSONValue(Double(policy.days(kind))),
                ]
                try await store.appendAudit([AuditRecord(at: now, actor: "system", role: "system", action: "purge", target: kind.rawValue, details: details)])
                logger.info("purged \(kind.rawValue) of \(targets.count) sessions (\(files) files)")
                if targets.count < batchSize { break }
            }
        }
        let orphans = try await OrphanPurger(store: store, blobs: blobs, logger: logger).runOnce(now: now)
        report.orphans = orphans.count
        if !orphans.isEmpty {
            let details: [String: JSONValue] = ["orphans_deleted": JSONValue(orphans.count), "keys": JSONValue(Array(orphans.prefix(100)))]
            try await store.appendAudit([AuditRecord(at: now, actor: "system", role: "system", action: "purge", target: "orphans", details: details)])
        }
        return report
    }
}
