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
}
