import Testing

@testable import ProctorCore

@Suite("Adaptive sampling")
struct AdaptiveSamplerTests {
    let configuration = SamplingConfiguration(enabled: true, motionThreshold: 10, minFps: 2, maxFps: 10)

    @Test("the first frame is always processed")
    func firstFrame() {
        var sampler = AdaptiveSampler(configuration: configuration)
        let decision = sampler.decide(motionScore: nil, at: 100)
        #expect(decision.shouldProcess)
        #expect(decision.reason == .firstFrame)
    }

    @Test("a still scene is processed at min_fps, not more")
    func stillSceneHeartbeat() {
        var sampler = AdaptiveSampler(configuration: configuration)
        var processed: [Double] = []
        // 30 fps for 3 seconds with no motion.
        for i in 0..<90 {
            let t = Double(i) / 30
            if sampler.decide(motionScore: i == 0 ? nil : 1.0, at: t).shouldProcess { processed.append(t) }
        }
        // 0, 0.5, 1.0, 1.5, 2.0, 2.5 (within a frame of each).
        #expect(processed.count == 6)
        for (a, b) in zip(processed, processed.dropFirst()) {
            #expect(abs((b - a) - 0.5) < 1.0 / 30 + 1e-9)
        }
        #expect(abs(sampler.skipRatio - 84.0 / 90.0) < 1e-9)
    }

    @Test("motion above the threshold is processed at up to max_fps")
    func motionIsRateLimited() {
        var sampler = AdaptiveSampler(configuration: configuration)
        var processed = 0
        var rateLimited = 0
        // 30 fps for 2 seconds with strong motion.
        for i in 0..<60 {
            let decision = sampler.decide(motionScore: i == 0 ? nil : 25, at: Double(i) / 30)
            if decision.shouldProcess { processed += 1 }
            if decision.reason == .rateLimited { rateLimited += 1 }
        }
        #expect(processed == 20)  // every third frame: 10 fps
        #expect(rateLimited == 40)
    }

    @Test("motion must exceed the threshold, not equal it")
    func thresholdIsStrict() {
        var sampler = AdaptiveSampler(configuration: configuration)
        _ = sampler.decide(motionScore: nil, at: 0)
        #expect(!sampler.decide(motionScore: 10, at: 0.2).shouldProcess)
        #expect(sampler.decide(motionScore: 10.01, at: 0.3).shouldProcess)
    }

    @Test("disabled sampling processes every frame")
    func disabled() {
        var sampler = AdaptiveSampler(configuration: SamplingConfiguration(enabled: false))
        for i in 0..<10 {
            #expect(sampler.decide(motionScore: 0, at: Double(i) * 0.01).reason == .samplingDisabled)
        }
        #expect(sampler.skipRatio == 0)
        #expect(sampler.processedFrames == 10)
    }

    @Test("a clock that jumps backwards restarts the cadence")
    func clockReset() {
        var sampler = AdaptiveSampler(configuration: configuration)
        _ = sampler.decide(motionScore: nil, at: 50)
        let decision = sampler.decide(motionScore: 0, at: 1)
        #expect(decision.shouldProcess)
        #expect(decision.reason == .firstFrame)
    }

    @Test("object detection cadence carries results between runs")
    func objectCadence() {
        var cadence = ObjectDetectionCadence(interval: 1)
        #expect(cadence.isDue(at: 0))
        cadence.recordRun(at: 0)
        #expect(!cadence.isDue(at: 0.5))
        #expect(cadence.age(at: 0.5) == 0.5)
        #expect(cadence.isDue(at: 1.0))
        #expect(ObjectDetectionCadence(interval: 0).isDue(at: 0))
    }

    @Test("a session's phase moves its passes within the interval after the first; the interval stays")
    func objectCadencePhase() {
        // Phase 0: the second pass half an interval after the first, then every interval.
        var early = ObjectDetectionCadence(interval: 1, phase: 0)
        #expect(early.isDue(at: 10))
        early.recordRun(at: 10)
        #expect(early.isDue(at: 10.5))
        early.recordRun(at: 10.5)
        #expect(!early.isDue(at: 11))
        #expect(early.isDue(at: 11.5))
        // Phase 0.9: the second pass 1.4 intervals after the first.
        var late = ObjectDetectionCadence(interval: 1, phase: 0.9)
        late.recordRun(at: 0)
        #expect(!late.isDue(at: 1.0))
        #expect(late.isDue(at: 1.5))
        late.recordRun(at: 1.5)
        #expect(!late.isDue(at: 2.0))
        #expect(late.isDue(at: 2.5))
        // Frames at 2 fps, sessions in step: the phases put about half of the passes on each frame.
        let phases = (0..<200).map { ObjectDetectionCadence.phase(for: "session-\($0)") }
        #expect(phases.allSatisfy { (0..<1).contains($0) })
        #expect(ObjectDetectionCadence.phase(for: "session-7") == ObjectDetectionCadence.phase(for: "session-7"))
        var onOddFrames = 0
        for phase in phases {
            var cadence = ObjectDetectionCadence(interval: 1, phase: phase)
            var frame = 0
            var runs: [Int] = []
            while runs.count < 4 {
                if cadence.isDue(at: Double(frame) * 0.5) {
                    cadence.recordRun(at: Double(frame) * 0.5)
                    runs.append(frame)
                }
                frame += 1
            }
            // After the first pass, every other frame: once odd, always odd.
            #expect(zip(runs.dropFirst(), runs.dropFirst(2)).allSatisfy { $1 - $0 == 2 })
            if runs[1] % 2 == 1 { onOddFrames += 1 }
        }
        #expect(onOddFrames > 70 && onOddFrames < 130, "\(onOddFrames) of 200 sessions on odd frames")
    }
}
