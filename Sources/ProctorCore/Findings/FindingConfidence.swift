import Foundation

/// How sure a finding is, from what was measured, so that confidence sorts findings for a reviewer
/// (a constant 100 % sorts nothing). Two steps:
///
/// 1. **Strength** of one frame, per kind, in 0...1 (below).
/// 2. **Episode** confidence: the mean strength over the frames that showed it, times the share of
///    the frames looked at while it was open that showed it (a flicker seen on 3 of 10 frames is
///    less sure than one seen on all), times a support term `1 − 0.5^frames` (one frame alone is
///    at most 50 %, three 88 %, five 97 %). Capped to 0.01...0.99: the product ranks for review and
///    never declares anything certain.
public enum FindingConfidence {
    /// Looking away: how far past the looking-away threshold the head turned, as a share of the
    /// rest of the way to fully turned (90° yaw, 60° pitch past... the larger of the two), mapped to
    /// 0.5...1: just over the threshold is a coin toss, fully turned is sure. A face whose landmarks
    /// failed (turned too far for the mesh) counts 0.75.
    public static func lookingAway(yaw: Double?, pitch: Double?, configuration: GazeConfiguration) -> Double {
        guard let yaw, let pitch else { return 0.75 }
        let yawShare = (abs(yaw) - configuration.yawThreshold) / max(1, 90 - configuration.yawThreshold)
        let pitchShare = (abs(pitch) - configuration.pitchThreshold) / max(1, 60 - configuration.pitchThreshold)
        return 0.5 + 0.5 * clamp(max(yawShare, pitchShare))
    }

    /// More than one person: the detector's score for the second most certain face or body (the
    /// one that makes it "more than one").
    public static func multiplePeople(secondFaceScore: Double?, secondPersonScore: Double?) -> Double {
        clamp(max(secondFaceScore ?? 0, secondPersonScore ?? 0))
    }

    /// No face: the detector misses faces in poor light, so a missing face there is half as sure.
    public static func noFace(poorLighting: Bool) -> Double {
        poorLighting ? 0.5 : 1
    }

    /// Identity mismatch: how far the similarity to the reference fell below the match threshold,
    /// as a share of the threshold (at the threshold 0; unrelated faces, similarity ≤ 0, 1).
    public static func identity(similarity: Double, configuration: IdentityConfiguration) -> Double {
        clamp((configuration.matchThreshold - similarity) / max(0.01, configuration.matchThreshold))
    }

    /// The confidence of an episode: `strength` the mean per-frame strength, `frames` the frames that
    /// showed it, `lookedAt` the frames analysed while it was open (at least `frames`).
    public static func episode(strength: Double, frames: Int, lookedAt: Int) -> Double {
        guard frames > 0 else { return 0.01 }
        let share = Double(frames) / Double(max(frames, lookedAt))
        let support = 1 - pow(0.5, Double(frames))
        return rounded(min(0.99, max(0.01, clamp(strength) * share * support)))
    }

    static func clamp(_ value: Double) -> Double { min(1, max(0, value.isFinite ? value : 0)) }

    /// Two decimals: what a reviewer reads, and stable in storage.
    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
