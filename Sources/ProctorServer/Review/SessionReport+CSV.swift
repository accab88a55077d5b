import Foundation
import ProctorCore
import ProctorStore

extension SessionReport {
    static let csvHeader = [
        "session_id", "exam_id", "candidate_id", "source", "finding_id", "type", "start_seconds", "end_seconds",
        "confidence", "decision", "note", "evidence_url", "incident_id",
    ]

    /// One row per finding: recorded ones on the video clock, live ones on the stream's clock.
    func csv() -> String {
        let exam = recording?.examId ?? ""
        let candidate = recording?.candidateId ?? ""
        var rows = [Self.csvHeader]
        let incidents = self.incidents.incidentOf
        for placed in videoFindings {
            rows.append(row(placed.finding, start: placed.start, end: placed.end, exam: exam, candidate: candidate) + [incidents[placed.finding.id] ?? ""])
        }
        for finding in liveFindings {
            rows.append(row(finding, start: finding.sessionStart, end: finding.sessionEnd, exam: exam, candidate: candidate) + [incidents[finding.id] ?? ""])
        }
        return rows.map { $0.map(Self.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    private func row(_ finding: FindingRecord, start: Double?, end: Double?, exam: String, candidate: String) -> [String] {
        // "recording" is the source's name in the CSV since before the one finding model.
        let source = finding.source == .recorded ? "recording" : finding.source.rawValue
        return [
            sessionId, exam, candidate, source, finding.id, finding.type.rawValue, Self.number(start), Self.number(end),
            Self.number(finding.confidence), finding.decision?.rawValue ?? "", finding.note ?? "", FindingResponse.evidenceURL(finding) ?? "",
        ]
    }

    /// RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so a spreadsheet never runs a note as a formula.
    static func field(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { ",\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return String(format: "%.2f", value)
    }
}
