import Foundation
import Testing

@testable import ProctorCore

@Suite("Roles, origins, retention and accommodations")
struct AccessTests {
    @Test("the role table: admins do everything staff can, proctors watch and review, reviewers only review, candidates only take their exam")
    func roles() {
        #expect(Role.admin.permissions == Set(Permission.allCases).subtracting([.takeExam]))
        #expect(Role.proctor.permissions == [.watchLive, .review, .readMetrics])
        #expect(Role.reviewer.permissions == [.review])
        #expect(Role.candidate.permissions == [.takeExam])
        #expect(!Role.proctor.can(.manageExams) && !Role.reviewer.can(.watchLive) && !Role.candidate.can(.review))
        #expect(Role.staff == [.admin, .proctor, .reviewer])
    }

    @Test("origins: the server's own and configured ones; localhost only while none is configured; programs without a browser origin")
    func origins() {
        let development = OriginPolicy(allowed: [])
        #expect(development.allows(origin: nil, host: "exam.example"))
        #expect(development.allows(origin: "https://exam.example", host: "exam.example"))
        #expect(development.allows(origin: "http://localhost:5173", host: "exam.example"))
        #expect(development.allows(origin: "http://127.0.0.1", host: "exam.example"))
        #expect(!development.allows(origin: "https://evil.example", host: "exam.example"))
        #expect(!development.allows(origin: "http://localhost.evil.example", host: "exam.example"))
        #expect(!development.allows(origin: "null", host: "exam.example"))
        #expect(development.allows(origin: "ws://localhost", host: nil))
        let production = OriginPolicy(allowed: ["https://lms.school.edu/"])
        #expect(production.allows(origin: "https://LMS.school.edu", host: "proctor.school.edu"))
        #expect(!production.allows(origin: "http://localhost:3000", host: "proctor.school.edu"))
        #expect(production.allows(origin: "https://proctor.school.edu", host: "proctor.school.edu"))
    }

    @Test("retention: each kind of data is due after its own number of days from the session's end")
    func retention() {
        let policy = RetentionPolicy(videoDays: 30, evidenceDays: 90, faceDataDays: 7)
        let now = Date(timeIntervalSince1970: 1_000_000_000)
        let ended = now.addingTimeInterval(-31 * 86_400)
        #expect(policy.isDue(.video, endedAt: ended, now: now))
        #expect(!policy.isDue(.evidence, endedAt: ended, now: now))
        #expect(policy.isDue(.faceData, endedAt: ended, now: now))
        #expect(!policy.isDue(.video, endedAt: nil, now: now))  // still running
        #expect(!policy.isDue(.video, endedAt: now.addingTimeInterval(-29 * 86_400), now: now))
        #expect(policy.cutoff(.evidence, now: now) == now.addingTimeInterval(-90 * 86_400))
    }

    @Test("an accommodation scales the named findings' weights and is validated")
    func accommodation() {
        let profile = Accommodation(candidateId: "c-1", scales: ["looking_away": 0, "cell_phone": 0.5])
        let weights = RiskWeights().accommodating(profile)
        #expect(weights.gaze == 0)
        #expect(weights.forbiddenItem == 15)
        #expect(weights.multiplePersons == 40 && weights.noFace == 20)
        #expect(RiskWeights().accommodating(nil) == RiskWeights())
        #expect(profile.problems.isEmpty)
        #expect(Accommodation(candidateId: "", scales: ["looking_away": 2, "teleport": 0]).problems.count == 3)
        // A frame that only looks away scores nothing for this candidate.
        let scorer = RiskScorer(weights: weights)
        let observation = FrameObservation(
            timestamp: 0, faceCount: 1, pose: HeadPose(yaw: 45, pitch: 0, roll: 0), isDeviation: true, deviationDuration: 3, personCount: 1, forbiddenItems: [])
        #expect(scorer.assess(observation, behaviour: BehaviourWindow(capacity: 30).summary).score == 0)
        #expect(RiskScorer(weights: RiskWeights()).assess(observation, behaviour: BehaviourWindow(capacity: 30).summary).score == 20)
    }
}
