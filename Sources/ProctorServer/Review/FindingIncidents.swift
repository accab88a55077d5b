import Foundation
import Hummingbird
import ProctorCore
import ProctorStore

/// The incidents of a session's findings (`IncidentGrouping`): findings on the video grouped on the
/// video's clock, live ones on the stream's. The review list, the timeline, the exports and the
/// incident decision all take them from here, so they always agree.
struct FindingIncidents: Sendable {
    struct Incident: Sendable {
        var id: String
        var findings: [PlacedFinding]
    }

    let incidents: [Incident]
    /// Finding id → its incident's id.
    let incidentOf: [String: String]

    init(_ placed: [PlacedFinding]) {
        let byId = Dictionary(placed.map { ($0.finding.id, $0) }, uniquingKeysWith: { first, _ in first })
        let onVideo = placed.compactMap { item -> IncidentGrouping.Span? in
            guard let start = item.start else { return nil }
            return .init(id: item.finding.id, start: start, end: item.end ?? start)
        }
        let live = placed.compactMap { item -> IncidentGrouping.Span? in
            guard item.start == nil, item.finding.source == .live, let start = item.finding.sessionStart else { return nil }
            return .init(id: item.finding.id, start: start, end: item.finding.sessionEnd ?? start)
        }
        let grouped = IncidentGrouping.incidents(onVideo) + IncidentGrouping.incidents(live)
        incidents = grouped.map { Incident(id: $0.id, findings: $0.memberIds.compactMap { byId[$0] }) }
        var incidentOf: [String: String] = [:]
        for incident in grouped {
            for member in incident.memberIds { incidentOf[member] = incident.id }
        }
        self.incidentOf = incidentOf
    }
}

/// An incident as the API shows it: its time on each clock, its findings and their common decision.
struct IncidentResponse: Encodable, Sendable {
    var id: String
    @Nullable var start: Double?
    @Nullable var end: Double?
    @Nullable var sessionStart: Double?
    @Nullable var sessionEnd: Double?
    @Nullable var startedAt: Date?
    @Nullable var endedAt: Date?
    var findingIds: [String]
    var types: [ViolationKind]
    /// The most confident of its findings.
    var confidence: Double
    @Nullable var decision: IncidentDecision?

    init(_ incident: FindingIncidents.Incident) {
        let members = incident.findings
        id = incident.id
        start = members.compactMap(\.start).min()
        end = members.compactMap(\.end).max()
        sessionStart = members.compactMap(\.finding.sessionStart).min()
        sessionEnd = members.compactMap(\.finding.sessionEnd).max()
        startedAt = members.compactMap(\.finding.startedAt).min()
        endedAt = members.compactMap(\.finding.endedAt).max()
        findingIds = members.map(\.finding.id)
        var seen: Set<ViolationKind> = []
        types = members.map(\.finding.type).filter { seen.insert($0).inserted }
        confidence = members.map(\.finding.confidence).max() ?? 0
        decision = IncidentGrouping.decision(of: members.map(\.finding.decision))
    }
}

/// `PATCH /api/sessions/{id}/incidents/{iid}`: every finding of the incident, as decided.
struct IncidentDecisionResponse: ResponseEncodable, Sendable {
    var id: String
    var findings: [DecisionResponse]
}
