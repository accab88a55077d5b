import Foundation

/// Scores a processed frame from what it shows and what the behaviour window has seen.
///
/// The score ranks frames and sessions for human review (see `AlertLevel`); each violation keeps
/// its own points and confidence so a reviewer sees why.
public struct RiskScorer: Sendable {
    public var weights: RiskWeights

    public init(weights: RiskWeights = RiskWeights()) {
        self.weights = weights
    }

    public func assess(_ frame: FrameObservation, behaviour: BehaviourSummary) -> RiskAssessment {
        var violations: [RiskAssessment.Violation] = []
        // Poor light first: it explains the findings after it, and the candidate is told about it first.
        if frame.isPoorlyLit {
            let light = frame.light.map { String(format: " (brightness %.0f of 255, noise %.1f)", $0.meanLuma, $0.noise) } ?? ""
            violations.append(
                .init(
                    kind: .poorLighting, points: weights.points(for: .poorLighting), confidence: 1,
                    message: "Poor lighting: too dark or too noisy for reliable face detection\(light)"))
        }
        if !frame.faceDetected {
            let message = frame.isPoorlyLit ? "No face detected in poor lighting (the camera may not see the face)" : "No face detected"
            violations.append(
                .init(
                    kind: .noFace, points: weights.points(for: .noFace, poorLighting: frame.isPoorlyLit),
                    confidence: FindingConfidence.noFace(poorLighting: frame.isPoorlyLit), message: message))
        } else if frame.isDeviation, let pose = frame.pose {
            let message = String(format: "Looking away (yaw %.0f°, pitch %.0f°) for %.1f s", pose.yaw, pose.pitch, frame.deviationDuration)
            violations.append(
                .init(kind: .lookingAway, points: weights.points(for: .lookingAway), confidence: frame.lookingAwayStrength, message: message))
        } else if frame.eyesOffScreen {
            // Only when the head-pose rule is silent: a turned head is already "looking away".
            let message = String(format: "Eyes off the screen for %.1f s", frame.eyesOffScreenDuration)
            violations.append(
                .init(
                    kind: .eyesOffScreen, points: weights.points(for: .eyesOffScreen),
                    confidence: max(0, min(1, frame.eyesConfidence)), message: message))
        }
        if frame.hasMultiplePeople {
            let persons = max(frame.faceCount, frame.personCount ?? 0)
            violations.append(
                .init(
                    kind: .multiplePeople, points: weights.points(for: .multiplePeople),
                    // Scores unknown (an observation made without a detector): taken at face value.
                    confidence: frame.secondFaceScore == nil && frame.secondPersonScore == nil
                        ? 1 : FindingConfidence.multiplePeople(secondFaceScore: frame.secondFaceScore, secondPersonScore: frame.secondPersonScore),
                    message: "\(persons) people in view (\(frame.faceCount) faces, \(frame.personCount.map(String.init) ?? "?") bodies)"))
        }
        for item in frame.forbiddenItems {
            let kind = ViolationKind(forbiddenItem: item.name)
            let name = item.name.replacingOccurrences(of: "_", with: " ")
            violations.append(
                .init(
                    kind: kind, points: weights.points(for: kind), confidence: item.confidence,
                    message: String(format: "Forbidden object: %@ (%.0f%%)", name, item.confidence * 100)))
        }
        let repeats = min(behaviour.repeatedOccurrences, weights.maximumRepeats)
        if repeats > 0 {
            violations.append(
                .init(
                    kind: .repeatedBehaviour, points: Double(repeats) * weights.points(for: .repeatedBehaviour), confidence: 1,
                    message: "Repeated: \(behaviour.text)"))
        }
        let score = violations.reduce(0) { $0 + $1.points }
        let level = AlertLevel(score: score)
        return RiskAssessment(score: score, level: level, violations: violations, recommendations: Self.recommendations(for: level, violations: violations))
    }

    /// Plain advice for the proctor; it never accuses the candidate.
    static func recommendations(for level: AlertLevel, violations: [RiskAssessment.Violation]) -> [String] {
        var advice: [String] = []
        switch level {
        case .none: advice.append("No action needed")
        case .low: advice.append("Keep monitoring")
        case .medium: advice.append("Watch this session more closely")
        case .high: advice.append("Review this session's recent evidence")
        case .critical: advice.append("Review this session now")
        }
        let kinds = Set(violations.map(\.kind))
        if kinds.contains(.poorLighting) {
            advice.append("Poor lighting is a technical condition, not behaviour: faces are found less reliably, so weigh the findings of these frames less")
        }
        if kinds.contains(.noFace) { advice.append("Check that the candidate is still at the camera") }
        if kinds.contains(.multiplePeople) { advice.append("Check who else is in the room") }
        if !kinds.isDisjoint(with: [.cellPhone, .book, .laptop, .forbiddenObject]) {
            advice.append("Check the snapshot for the reported object; detection can confuse similar objects")
        }
        if kinds.contains(.lookingAway) { advice.append("Check where the candidate is looking; an accommodation may apply") }
        if kinds.contains(.eyesOffScreen) {
            advice.append("Check the snapshot for where the candidate's eyes point; glasses, poor light and small faces make the eye estimate less certain")
        }
        return advice
    }
}
