import Foundation
import ProctorCore

extension FindingRecord {
    /// One finding from the pieces of one incident that chunk boundaries cut (`members` in time
    /// order, all of one kind, already placed on the video): the first keeps its id, snapshot and
    /// chunk; it spans to the last piece's end and counts every piece's frames. Its confidence is
    /// computed again from the pieces' measures (`FindingConfidence.episode`), except for sound,
    /// whose confidence was measured whole (the strongest piece's). A reviewer's decision on any
    /// piece is kept (the first decided one's).
    public static func joined(_ members: [FindingRecord]) -> FindingRecord? {
        guard var first = members.first else { return nil }
        guard members.count > 1 else { return first }
        first.videoEnd = members.compactMap(\.videoEnd).max() ?? first.videoEnd
        first.endedAt = members.compactMap(\.endedAt).max() ?? first.endedAt
        first.frames = members.map(\.frames).reduce(0, +)
        first.severity = members.map(\.severity).max() ?? first.severity
        // Only pieces from more than one chunk say which (a merge within a chunk has nothing to tell).
        let chunks = Array(Set(members.compactMap(\.chunkIndex))).sorted()
        if chunks.count > 1 { first.details.joinedChunks = chunks }
        if members.contains(where: { $0.details.poorLighting == true }) { first.details.poorLighting = true }
        let similarities = members.compactMap(\.details.lowestSimilarity)
        if let lowest = similarities.min(), let weakest = members.first(where: { $0.details.lowestSimilarity == lowest }) {
            first.details.lowestSimilarity = lowest
            first.details.verdict = weakest.details.verdict
        }
        if first.source == .audio {
            first.confidence = members.map(\.confidence).max() ?? first.confidence
        } else {
            // Each piece's strength and looked-at frames (older findings without them: their
            // confidence and frames stand in).
            let strengthTotal = members.reduce(0.0) { $0 + ($1.details.strength ?? $1.confidence) * Double($1.frames) }
            let lookedAt = members.reduce(0) { $0 + max($1.frames, $1.details.lookedAtFrames ?? $1.frames) }
            let strength = first.frames > 0 ? strengthTotal / Double(first.frames) : first.confidence
            first.confidence = FindingConfidence.episode(strength: strength, frames: first.frames, lookedAt: lookedAt)
            first.details.strength = (strength * 1000).rounded() / 1000
            first.details.frameShare = lookedAt > 0 ? (Double(first.frames) / Double(lookedAt) * 1000).rounded() / 1000 : 1
            first.details.lookedAtFrames = lookedAt
        }
        if first.decision == nil, let decided = members.first(where: { $0.decision != nil }) {
            first.decision = decided.decision
            first.note = decided.note
            first.reviewer = decided.reviewer
            first.reviewedAt = decided.reviewedAt
        }
        return first
    }
}
