import Foundation
import ProctorCore

extension SessionReport {
    static let csvHeader = ["session_id", "exam_id", "candidate_id", "source", "finding_id", "type", "start_seconds", "end_seconds",
                            "confidence", "decision", "note", "evidence_url"]

    /// One row per finding: recorded events (video clock) and live violations (session clock).
    func csv() -> String {
        let exam = recording?.examId ?? ""
        let candidate = recording?.candidateId ?? ""
        var rows = [Self.csvHeader]
        for event in events {
            let record = event.record
            rows.append([sessionId, exam, candidate, "recording", record.id, record.type, Self.number(event.start), Self.number(event.end),
                         Self.number(record.peakConfidence), record.decision ?? "", record.note ?? "",
                         record.evidenceKey == nil ? "" : "/api/sessions/\(sessionId)/events/\(record.id)/evidence"])
        }
        for violation in violations {
            rows.append([sessionId, exam, candidate, "live", violation.id, violation.type, Self.number(violation.startTime), Self.number(violation.endTime),
                         Self.number(violation.peakConfidence), violation.decision ?? "", violation.reviewerNotes ?? "",
                         violation.evidencePath == nil ? "" : "/api/sessions/\(sessionId)/violations/\(violation.id)/evidence"])
        }
        return rows.map { $0.map(Self.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
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
