import Crypto
import Foundation
import ProctorCore
import ProctorStore

/// Stores what the exam page reports: each valid client event becomes a browser finding or a
/// timeline milestone, once, however often it is sent (the page resends until acknowledged).
struct ClientEventRecorder: Sendable {
    let findings: any FindingStore
    let recordings: any RecordingStore
    let rules: ClientEventRules
    let weights: RiskWeights

    init(services: ProctorServices) {
        findings = services.findings
        recordings = services.recordings
        rules = services.configuration.browser
        weights = services.configuration.pipeline.risk
    }

    enum Outcome: Sendable, Equatable {
        /// Stored now (or already, when `duplicate`); `kind` for findings, to show on the dashboard.
        case stored(kind: ViolationKind?, duplicate: Bool)
        /// Valid, not kept (the reason).
        case ignored(String)
    }

    /// Validates and stores one event of the session `sessionId` (the server's id), which began at
    /// `sessionStart`. Throws `ClientEventRules.Problem` for an invalid event: nothing is stored.
    func record(_ event: ClientEvent, sessionId: String, sessionStart: Date, now: Date = Date()) async throws -> Outcome {
        let detailsBytes = try event.details.map { try APICoding.encoder().encode($0).count } ?? 0
        let audio = event.event == .audioUnavailable ? (try await recordings.recording(sessionId: sessionId)?.audioPolicy ?? .on) : .on
        let outcome = try rules.validate(
            event, sessionStart: sessionStart.timeIntervalSince1970, now: now.timeIntervalSince1970,
            detailsBytes: detailsBytes, audio: audio
        ).get()
        let startedAt = Date(timeIntervalSince1970: event.at / 1000)
        let endedAt = event.durationMs.map { startedAt.addingTimeInterval($0 / 1000) }
        switch outcome {
        case .ignored(let reason):
            return .ignored(reason)
        case .finding(let kind):
            var finding = FindingRecord(
                id: Self.findingId(sessionId: sessionId, clientId: event.id), sessionId: sessionId, source: .browser,
                type: kind, severity: weights.points(for: kind), confidence: 1, frames: 0,
                details: details(of: event), evidenceKey: nil, createdAt: now)
            finding.startedAt = startedAt
            finding.endedAt = endedAt ?? startedAt
            let inserted = try await findings.addFinding(finding)
            return .stored(kind: kind, duplicate: !inserted)
        case .milestone:
            let kind: MilestoneRecord.Kind =
                switch event.event {
                case .cameraRestored: .cameraRestored
                case .pageReturned: .pageReturned
                case .networkOnline: .networkOnline
                case .audioUnavailable: .audioUnavailable
                default: .screenCheck
                }
            // Milestones have no id of their own: the page's event id, kept in the details, makes them idempotent.
            if try await recordings.milestones(sessionId: sessionId).contains(where: { $0.details.clientEventId == event.id }) {
                return .stored(kind: nil, duplicate: true)
            }
            let extended: String? =
                switch event.details?["extended"] {
                case .bool(let value)?: value ? "true" : "false"
                case .string(let value)?: String(value.prefix(16))
                default: kind == .screenCheck ? "unknown" : nil
                }
            try await recordings.addMilestone(
                MilestoneRecord(
                    sessionId: sessionId, kind: kind, at: startedAt,
                    details: MilestoneDetails(
                        clientEventId: event.id, durationMs: event.durationMs, extended: extended, reason: reason(of: event))))
            return .stored(kind: nil, duplicate: false)
        }
    }

    /// Audio unavailable: why (validated against `ClientEventRules.audioReasons`).
    func reason(of event: ClientEvent) -> String? {
        guard event.event == .audioUnavailable, case .string(let reason)? = event.details?["reason"] else { return nil }
        return reason
    }

    /// What a finding keeps of the event's details: only the fields the product knows, never free text.
    func details(of event: ClientEvent) -> FindingDetails {
        var details = FindingDetails(clientEventId: event.id)
        if case .string(let action)? = event.details?["action"], ["copy", "cut", "paste"].contains(action) { details.action = action }
        if case .number(let length)? = event.details?["length"], length.isFinite, length >= 0 { details.textLength = Int(min(length, 1e9)) }
        if case .bool(let extended)? = event.details?["extended"] { details.extended = extended }
        details.audioStatus = reason(of: event)
        return details
    }

    /// The same page event always maps to the same finding id, in one session only.
    static func findingId(sessionId: String, clientId: String) -> String {
        let digest = SHA256.hash(data: Data("\(sessionId)\u{0}\(clientId)".utf8))
        return "browser-" + digest.prefix(12).map { String(format: "%02x", $0) }.joined()
    }
}
