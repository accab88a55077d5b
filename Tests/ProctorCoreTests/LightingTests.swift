import Foundation
import ProctorCore
import Testing

@Suite("Light measure, poor lighting and fairness statistics")
struct LightingTests {
    let rule = LightingRule()

    @Test("the light rule: good, dark (adapted) and poor (too dark or too noisy), at the configured lines")
    func conditions() {
        #expect(rule.condition(of: LightMeasurement(meanLuma: 120, noise: 0.2)) == .good)
        #expect(rule.condition(of: LightMeasurement(meanLuma: 70, noise: 0.2)) == .good)
        #expect(rule.condition(of: LightMeasurement(meanLuma: 69.9, noise: 0.2)) == .dark)
        #expect(rule.condition(of: LightMeasurement(meanLuma: 42, noise: 0.1)) == .dark)
        #expect(rule.condition(of: LightMeasurement(meanLuma: 31.9, noise: 0.1)) == .poor)
        #expect(rule.condition(of: LightMeasurement(meanLuma: 24, noise: 1.8)) == .poor)
        // Bright but very noisy is poor too.
        #expect(rule.condition(of: LightMeasurement(meanLuma: 120, noise: 4.6)) == .poor)
        #expect(rule.condition(of: LightMeasurement(meanLuma: 120, noise: 4.4)) == .good)
        var off = LowLightConfiguration()
        off.enabled = false
        #expect(LightingRule(configuration: off).condition(of: LightMeasurement(meanLuma: 5, noise: 9)) == .good)
    }

    @Test("the reason says which line was crossed")
    func reasons() throws {
        #expect(rule.reason(for: LightMeasurement(meanLuma: 120, noise: 0.2)) == nil)
        #expect(rule.reason(for: LightMeasurement(meanLuma: 50, noise: 0.2)) == nil)
        #expect(try #require(rule.reason(for: LightMeasurement(meanLuma: 20, noise: 1))).contains("Too dark"))
        #expect(try #require(rule.reason(for: LightMeasurement(meanLuma: 120, noise: 6))).contains("noise"))
    }

    @Test("a dark frame is brightened to the target mean, within 1...maximum gamma; a good frame is left alone")
    func brighteningGamma() {
        #expect(rule.brighteningGamma(for: LightMeasurement(meanLuma: 120, noise: 0)) == 1)
        let gamma = rule.brighteningGamma(for: LightMeasurement(meanLuma: 42, noise: 0))
        // pow(42/255, 1/gamma) * 255 is the target, 100.
        #expect(abs(pow(42.0 / 255, 1 / gamma) * 255 - 100) < 0.01)
        #expect(rule.brighteningGamma(for: LightMeasurement(meanLuma: 2, noise: 0)) == 3)
        #expect(rule.brighteningGamma(for: LightMeasurement(meanLuma: 0, noise: 0)) == 3)
    }

    @Test("dark frames get the denoise, the gamma, the stronger CLAHE and the wider bilateral; good frames and disabled preprocessing are unchanged")
    func adaptation() {
        let base = PreprocessingConfiguration()
        #expect(rule.preprocessing(base, for: LightMeasurement(meanLuma: 110, noise: 0.2)) == base)
        let dark = rule.preprocessing(base, for: LightMeasurement(meanLuma: 24, noise: 1.8))
        #expect(dark.denoiseKernel == 5)
        #expect(dark.claheClipLimit == 3 && dark.claheEnabled)
        #expect(dark.brighteningGamma > 2 && dark.brighteningGamma <= 3)
        #expect(dark.bilateralEnabled && dark.bilateralDiameter == 13 && dark.gamma == base.gamma)
        var frameDefault = LowLightConfiguration()
        frameDefault.bilateralDiameter = 0
        let kept = LightingRule(configuration: frameDefault).preprocessing(base, for: LightMeasurement(meanLuma: 24, noise: 1.8))
        #expect(kept.bilateralEnabled == base.bilateralEnabled && kept.bilateralDiameter == base.bilateralDiameter)
        var disabled = base
        disabled.enabled = false
        #expect(rule.preprocessing(disabled, for: LightMeasurement(meanLuma: 24, noise: 1.8)) == disabled)
    }

    @Test("poor light is its own finding of weight 0, listed first; a missing face in it weighs half")
    func poorLightingRisk() throws {
        let scorer = RiskScorer()
        let dark = FrameObservation(
            timestamp: 0, faceCount: 0, pose: nil, isDeviation: false, deviationDuration: 0, personCount: nil, forbiddenItems: [],
            light: LightMeasurement(meanLuma: 18, noise: 1.2), lightCondition: .poor)
        let assessment = scorer.assess(dark, behaviour: BehaviourWindow().summary)
        #expect(assessment.violations.map(\.kind) == [.poorLighting, .noFace])
        #expect(assessment.violations[0].points == 0)
        #expect(assessment.violations[0].message.contains("brightness 18"))
        #expect(assessment.violations[1].points == 10)
        #expect(assessment.violations[1].message.contains("poor lighting"))
        #expect(assessment.score == 10)
        #expect(assessment.recommendations.contains { $0.contains("technical condition") })

        var lit = dark
        lit.lightCondition = .good
        let normal = scorer.assess(lit, behaviour: BehaviourWindow().summary)
        #expect(normal.violations.map(\.kind) == [.noFace])
        #expect(normal.violations[0].points == 20)

        // A dark (adapted) frame that is not poor is no technical finding.
        var adapted = dark
        adapted.lightCondition = .dark
        #expect(scorer.assess(adapted, behaviour: BehaviourWindow().summary).violations.map(\.kind) == [.noFace])
    }

    @Test("the no_face scale and the poor_lighting weight are configurable; accommodations scale poor_lighting too")
    func weights() {
        var weights = RiskWeights()
        #expect(weights.points(for: .poorLighting) == 0)
        #expect(weights.points(for: .noFace, poorLighting: true) == 10)
        #expect(weights.points(for: .noFace, poorLighting: false) == 20)
        #expect(weights.points(for: .lookingAway, poorLighting: true) == 20)
        weights.noFacePoorLightingScale = 1
        weights.poorLighting = 4
        #expect(weights.points(for: .noFace, poorLighting: true) == 20)
        let accommodated = weights.accommodating(Accommodation(candidateId: "c", scales: ["poor_lighting": 0.5]))
        #expect(accommodated.points(for: .poorLighting) == 2)
        #expect(Accommodation(candidateId: "c", scales: ["poor_lighting": 0]).problems.isEmpty)
        #expect(ViolationKind.poorLighting.isTechnical && !ViolationKind.noFace.isTechnical)
    }

    @Test("a kind weighing nothing adds no repeat points to the review priority")
    func reviewPriority() {
        let priority = ReviewPriority.compute(maxLiveRisk: 0, eventCounts: ["poor_lighting": 6], reviewed: false)
        #expect(priority.score == 0)
        let withFace = ReviewPriority.compute(maxLiveRisk: 0, eventCounts: ["poor_lighting": 6, "no_face": 1], reviewed: false)
        #expect(withFace.score == 20)
        // Every no_face in poor light: the kind weighs half; one in good light among them: full weight.
        #expect(ReviewPriority.compute(maxLiveRisk: 0, eventCounts: ["no_face": 2], reviewed: false, poorLightingNoFace: 2).score == 20)
        #expect(ReviewPriority.compute(maxLiveRisk: 0, eventCounts: ["no_face": 2], reviewed: false, poorLightingNoFace: 1).score == 30)
    }

    @Test("the reference photo check refuses a poorly lit frame as too dark, in the live notice's words")
    func referencePhoto() throws {
        let rules = ReferencePhotoRules(minimumFaceSize: 60, minimumBrightness: 40, minimumSharpness: 15)
        let dark = try #require(rules.problem(faces: 0, faceSide: 0, brightness: 0, sharpness: 0, lightCondition: .poor))
        #expect(dark.code == "too_dark")
        #expect(dark.message == LightingRule.candidateMessage)
        #expect(rules.problem(faces: 0, faceSide: 0, brightness: 0, sharpness: 0)?.code == "no_face")
        #expect(rules.problem(faces: 1, faceSide: 100, brightness: 30, sharpness: 50)?.message == LightingRule.candidateMessage)
    }

    @Test("Wilson intervals: known values, bounds inside 0...1, honest at 0 and 1")
    func wilson() {
        let interval = DetectionRate(found: 58, total: 60).wilsonInterval()
        #expect(abs(interval.lowerBound - 0.8864) < 0.001)
        #expect(abs(interval.upperBound - 0.9908) < 0.001)
        let perfect = DetectionRate(found: 60, total: 60).wilsonInterval()
        #expect(abs(perfect.upperBound - 1) < 1e-12)
        #expect(abs(perfect.lowerBound - 0.9398) < 0.001)
        let none = DetectionRate(found: 0, total: 30).wilsonInterval()
        #expect(none.lowerBound == 0 && none.upperBound > 0.1)
        #expect(DetectionRate(found: 0, total: 0).wilsonInterval() == 0...1)
    }

    @Test("fairness tables group by race and race x gender, with and without children, and give the gap")
    func fairnessTable() throws {
        var observations: [FairnessObservation] = []
        for i in 0..<10 {
            observations.append(FairnessObservation(file: "a\(i)", race: "A", gender: i < 5 ? "Female" : "Male", age: i < 2 ? "3-9" : "20-29", found: i != 0))
            observations.append(
                FairnessObservation(file: "b\(i)", race: "B", gender: i < 5 ? "Female" : "Male", age: "30-39", found: true, otherFaces: i == 3 ? 1 : 0))
        }
        let table = FairnessTable(observations)
        #expect(table.byRace.map(\.group) == ["A", "B"])
        let a = try #require(table.byRace.first)
        #expect(a.all.found == 9 && a.all.total == 10)
        #expect(a.withoutChildren.found == 8 && a.withoutChildren.total == 8)
        #expect(table.byRaceAndGender.map(\.group) == ["A Female", "A Male", "B Female", "B Male"])
        #expect(table.byRaceAndGender[0].all.found == 4)
        #expect(table.lowest?.group == "A" && table.highest?.group == "B")
        #expect(abs(table.gap - 10) < 1e-9)
        #expect(table.overall.found == 19 && table.otherFaces == 1)
    }
}
