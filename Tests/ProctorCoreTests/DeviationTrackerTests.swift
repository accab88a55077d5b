import Testing

@testable import ProctorCore

@Suite("Looking-away duration")
struct DeviationTrackerTests {
    @Test("the looking-away rule uses |yaw| > 45 or |pitch| > 30")
    func rule() {
        let gaze = GazeConfiguration()
        #expect(!gaze.isDeviation(HeadPose(yaw: 45, pitch: 30, roll: 0)))
        #expect(gaze.isDeviation(HeadPose(yaw: -45.5, pitch: 0, roll: 0)))
        #expect(gaze.isDeviation(HeadPose(yaw: 0, pitch: 30.5, roll: 0)))
        #expect(gaze.isDeviation(HeadPose(yaw: 0, pitch: -31, roll: 0)))
        #expect(!gaze.isDeviation(HeadPose(yaw: 10, pitch: -10, roll: 80)))
    }

    @Test("time accumulates while looking away")
    func accumulates() {
        var tracker = DeviationTracker(configuration: GazeConfiguration())
        tracker.update(isDeviation: true, at: 0)
        tracker.update(isDeviation: true, at: 0.5)
        let duration = tracker.update(isDeviation: true, at: 1.5)
        #expect(abs(duration - 1.5) < 1e-9)
    }

    @Test("looking back decays the duration with the configured half-life")
    func decays() {
        var tracker = DeviationTracker(configuration: GazeConfiguration(deviationHalfLife: 2))
        tracker.update(isDeviation: true, at: 0)
        tracker.update(isDeviation: false, at: 4)  // 4 s away (2 s counted: the maximum step)
        #expect(abs(tracker.duration - 2) < 1e-9)
        let after = tracker.update(isDeviation: false, at: 6)  // 2 s looking back: one half-life
        #expect(abs(after - 1) < 1e-9)
        tracker.update(isDeviation: false, at: 7)
        tracker.update(isDeviation: false, at: 8)
        #expect(abs(tracker.duration - 0.5) < 1e-9)
    }

    @Test("a stalled stream counts at most the maximum step")
    func stalledStream() {
        var tracker = DeviationTracker(configuration: GazeConfiguration(maximumStep: 2))
        tracker.update(isDeviation: true, at: 0)
        #expect(tracker.update(isDeviation: true, at: 60) == 2)
    }

    @Test("tiny remainders fall to zero instead of lingering")
    func settlesToZero() {
        var tracker = DeviationTracker(configuration: GazeConfiguration(deviationHalfLife: 0.5))
        tracker.update(isDeviation: true, at: 0)
        tracker.update(isDeviation: false, at: 0.1)
        for t in stride(from: 1.0, through: 10, by: 1) { tracker.update(isDeviation: false, at: t) }
        #expect(tracker.duration == 0)
    }
}
