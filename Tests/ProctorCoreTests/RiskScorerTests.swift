import Testing

@testable import ProctorCore

@Suite("Risk scoring")
struct RiskScorerTests {
    let scorer = RiskScorer()
    let quiet = BehaviourWindow().summary

    func observation(faces: Int = 1, deviation: Bool = false, persons: Int? = 1, items: [String] = []) -> FrameObservation {
        FrameObservation(
            timestamp: 0, faceCount: faces, pose: faces > 0 ? HeadPose(yaw: deviation ? 50 : 0, pitch: 0, roll: 0) : nil,
            isDeviation: deviation, deviationDuration: deviation ? 1 : 0, personCount: persons,
            forbiddenItems: items.map { ForbiddenItem(name: $0, confidence: 0.6, box: BoundingBox(x: 0, y: 0, width: 5, height: 5)) }
        )
    }

    @Test("a calm frame scores zero")
    func calm() {
        let risk = scorer.assess(observation(), behaviour: quiet)
        #expect(risk.score == 0)
        #expect(risk.level == .none)
        #expect(risk.violations.isEmpty)
        #expect(risk.recommendations == ["No action needed"])
    }

    @Test("looking away adds 20")
    func gaze() {
        let risk = scorer.assess(observation(deviation: true), behaviour: quiet)
        #expect(risk.score == 20)
        #expect(risk.level == .low)
        #expect(risk.violations.map(\.kind) == [.lookingAway])
    }

    @Test("each forbidden item adds 30")
    func forbiddenItems() {
        let risk = scorer.assess(observation(items: ["cell_phone", "book"]), behaviour: quiet)
        #expect(risk.score == 60)
        #expect(Set(risk.violations.map(\.kind)) == [.cellPhone, .book])
        #expect(risk.level == .medium)
    }

    @Test("more than one person adds 40, by faces or by bodies, once")
    func multiplePeople() {
        #expect(scorer.assess(observation(faces: 2, persons: 1), behaviour: quiet).score == 40)
        #expect(scorer.assess(observation(faces: 1, persons: 3), behaviour: quiet).score == 40)
        #expect(scorer.assess(observation(faces: 2, persons: 2), behaviour: quiet).score == 40)
    }

    @Test("no face is a violation")
    func noFace() {
        let risk = scorer.assess(observation(faces: 0, persons: 0), behaviour: quiet)
        #expect(risk.violations.map(\.kind) == [.noFace])
        #expect(risk.score == 20)
    }

    @Test("each repeated occurrence adds 10")
    func repeats() {
        var window = BehaviourWindow()
        for (i, away) in [true, false, true, false, true].enumerated() {
            window.append(observation(deviation: away).with(timestamp: Double(i)))
        }
        // 3 episodes = 2 repeats, plus the current deviation.
        let risk = scorer.assess(observation(deviation: true), behaviour: window.summary)
        #expect(risk.score == 20 + 2 * 10)
        #expect(risk.violations.contains { $0.kind == .repeatedBehaviour && $0.points == 20 })
    }

    @Test("everything at once is critical")
    func critical() {
        let risk = scorer.assess(observation(faces: 2, deviation: true, persons: 2, items: ["cell_phone"]), behaviour: quiet)
        #expect(risk.score == 20 + 40 + 30)
        #expect(risk.level == .high)
        let worse = scorer.assess(observation(faces: 2, deviation: true, persons: 2, items: ["cell_phone", "laptop"]), behaviour: quiet)
        #expect(worse.score == 120)
        #expect(worse.level == .critical)
        #expect(worse.recommendations.first == "Review this session now")
    }

    @Test(
        "alert levels: none 0, low 1-30, medium 31-70, high 71-100, critical above 100",
        arguments: [
            (0.0, AlertLevel.none), (1, .low), (30, .low), (31, .medium), (70, .medium), (71, .high), (100, .high), (101, .critical), (250, .critical),
        ])
    func levels(score: Double, level: AlertLevel) {
        #expect(AlertLevel(score: score) == level)
    }

    @Test("custom forbidden classes map to the generic kind")
    func customForbiddenClass() {
        #expect(ViolationKind(forbiddenItem: "cell_phone") == .cellPhone)
        #expect(ViolationKind(forbiddenItem: "headphones") == .forbiddenObject)
        #expect(ViolationKind(forbiddenItem: "no_face") == .forbiddenObject)
    }
}

extension FrameObservation {
    func with(timestamp: Double) -> FrameObservation {
        var copy = self
        copy.timestamp = timestamp
        return copy
    }
}
