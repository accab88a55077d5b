/// An accommodation profile: for a candidate (optionally one exam), some findings are switched off
/// or weigh less, e.g. a candidate who reads with a screen magnifier looks away often.
///
/// A scale of 0 switches a finding off, 0.5 halves its weight, 1 leaves it. Applied to the live risk
/// score (through `RiskWeights.accommodating`) and to the review priority, and shown in review.
public struct Accommodation: Sendable, Hashable, Codable {
    public var candidateId: String
    /// Nil: every exam of the candidate.
    public var examId: String?
    /// Violation kind (raw value) → scale in 0...1.
    public var scales: [String: Double]
    public var note: String

    public init(candidateId: String, examId: String? = nil, scales: [String: Double], note: String = "") {
        self.candidateId = candidateId
        self.examId = examId
        self.scales = scales
        self.note = note
    }

    /// Problems that make the profile unusable, in plain words; empty when valid.
    public var problems: [String] {
        var problems: [String] = []
        if candidateId.isEmpty || candidateId.count > 128 { problems.append("candidate_id must be 1-128 characters") }
        for (kind, scale) in scales {
            if ViolationKind(rawValue: kind) == nil { problems.append("unknown finding \"\(kind)\"") }
            if !(0...1).contains(scale) { problems.append("scale of \(kind) must be between 0 and 1") }
        }
        if note.count > 2000 { problems.append("note is longer than 2000 characters") }
        return problems
    }

    public func scale(for kind: ViolationKind) -> Double { scales[kind.rawValue] ?? 1 }
}

extension RiskWeights {
    /// These weights with an accommodation applied. Weights are per category, so a category shared by
    /// several kinds (objects; people and identity) takes the scale of its kind that is named.
    public func accommodating(_ accommodation: Accommodation?) -> RiskWeights {
        guard let accommodation else { return self }
        var weights = self
        weights.gaze *= accommodation.scale(for: .lookingAway)
        weights.eyesOffScreen *= accommodation.scale(for: .eyesOffScreen)
        weights.noFace *= accommodation.scale(for: .noFace)
        weights.poorLighting *= accommodation.scale(for: .poorLighting)
        weights.multiplePersons *= accommodation.scale(for: .multiplePeople)
        let objectScales = [ViolationKind.cellPhone, .book, .laptop, .forbiddenObject].compactMap { accommodation.scales[$0.rawValue] }
        weights.forbiddenItem *= objectScales.min() ?? 1
        return weights
    }
}
