import Foundation
import Testing

@testable import ProctorCore

/// A synthetic eye: corners, flat lids `openness` x width apart, and the iris at `horizontal`
/// (0 inner, 1 outer) and `vertical` (over the width, toward the brow). `outerOnLeft`: the
/// subject's right eye as seen in the image. Everything is then rotated by `roll` radians about
/// the origin (clockwise in the image for a positive angle, y pointing down).
func syntheticEye(
    center: Point2 = Point2(x: 200, y: 300), width: Double = 60, outerOnLeft: Bool, horizontal: Double, vertical: Double,
    openness: Double = 0.3, roll: Double = 0
) -> EyeLandmarks {
    let half = width / 2
    let inner = Point2(x: center.x + (outerOnLeft ? half : -half), y: center.y)
    let outer = Point2(x: center.x + (outerOnLeft ? -half : half), y: center.y)
    let up = Point2(x: 0, y: -1)
    func at(_ s: Double, _ t: Double) -> Point2 {
        // s along inner → outer, t toward the brow, both in eye widths.
        Point2(x: inner.x + s * (outer.x - inner.x) + t * up.x * width, y: inner.y + s * (outer.y - inner.y) + t * up.y * width)
    }
    var contour = [outer]
    contour += (1...7).map { at(1 - Double($0) / 8, -openness / 2) }
    contour.append(inner)
    contour += (1...7).map { at(1 - Double($0) / 8, openness / 2) }
    let iris = at(horizontal, vertical)
    let radius = 0.2
    let ring = [at(horizontal + radius, vertical), at(horizontal, vertical + radius), at(horizontal - radius, vertical), at(horizontal, vertical - radius)]
    func rotated(_ p: Point2) -> Point2 {
        Point2(x: p.x * cos(roll) - p.y * sin(roll), y: p.x * sin(roll) + p.y * cos(roll))
    }
    return EyeLandmarks(contour: contour.map(rotated), iris: ([iris] + ring).map(rotated))!
}

/// The face's up for a face rolled by `roll` (as `syntheticEye` rotates).
func rolledUp(_ roll: Double) -> Point2 {
    EyeGeometry.faceUp(rightEye: Point2(x: 100 * cos(roll), y: 100 * sin(roll)), leftEye: Point2(x: 300 * cos(roll), y: 300 * sin(roll)))
}

@Suite("Eye gaze: ratio geometry")
struct EyeGeometryTests {
    @Test("an upright eye's ratios are the iris position along and off the corner line")
    func upright() throws {
        let eye = syntheticEye(outerOnLeft: true, horizontal: 0.7, vertical: 0.08)
        let m = try #require(EyeGeometry.measure(eye, up: rolledUp(0)))
        #expect(abs(m.horizontal - 0.7) < 1e-9)
        #expect(abs(m.vertical - 0.08) < 1e-9)
        #expect(abs(m.openness - 0.3) < 1e-9)
        #expect(abs(m.width - 60) < 1e-9)
    }

    @Test("the mirrored eye (outer corner on the image's right) measures the same way")
    func mirrored() throws {
        let right = try #require(EyeGeometry.measure(syntheticEye(outerOnLeft: true, horizontal: 0.62, vertical: -0.05), up: rolledUp(0)))
        let left = try #require(EyeGeometry.measure(syntheticEye(outerOnLeft: false, horizontal: 0.62, vertical: -0.05), up: rolledUp(0)))
        #expect(abs(right.horizontal - left.horizontal) < 1e-9)
        #expect(abs(right.vertical - left.vertical) < 1e-9)
        // Below the corner line is negative whichever way the corners run.
        #expect(left.vertical < 0)
    }

    @Test("roll of the head does not change the ratios", arguments: [-0.6, -0.2, 0.35, 0.9])
    func roll(_ angle: Double) throws {
        let level = try #require(EyeGeometry.measure(syntheticEye(outerOnLeft: true, horizontal: 0.3, vertical: 0.12), up: rolledUp(0)))
        let rolled = try #require(EyeGeometry.measure(syntheticEye(outerOnLeft: true, horizontal: 0.3, vertical: 0.12, roll: angle), up: rolledUp(angle)))
        #expect(abs(level.horizontal - rolled.horizontal) < 1e-9)
        #expect(abs(level.vertical - rolled.vertical) < 1e-9)
        #expect(abs(level.openness - rolled.openness) < 1e-9)
    }

    @Test("the face's up turns with roll: clockwise in the image tilts it toward the image's right")
    func faceUp() {
        let upright = EyeGeometry.faceUp(rightEye: Point2(x: 100, y: 200), leftEye: Point2(x: 200, y: 200))
        #expect(abs(upright.x) < 1e-12 && abs(upright.y + 1) < 1e-12)
        let tilted = rolledUp(0.3)
        #expect(tilted.x > 0 && tilted.y < 0)
    }

    @Test("a closed eye has an openness near zero; coinciding corners cannot be measured")
    func closed() throws {
        let m = try #require(EyeGeometry.measure(syntheticEye(outerOnLeft: true, horizontal: 0.5, vertical: 0, openness: 0.01), up: rolledUp(0)))
        #expect(m.openness < 0.02)
        let point = Point2(x: 10, y: 10)
        let degenerate = try #require(EyeLandmarks(contour: Array(repeating: point, count: 16), iris: Array(repeating: point, count: 5)))
        #expect(EyeGeometry.measure(degenerate, up: rolledUp(0)) == nil)
        #expect(EyeLandmarks(contour: [point], iris: [point]) == nil)
    }
}

/// Measurements as the geometry gives them, for the estimator and the calibration.
func eye(_ horizontal: Double, _ vertical: Double = 0.07, openness: Double = 0.32, width: Double = 60) -> EyeMeasurement {
    EyeMeasurement(horizontal: horizontal, vertical: vertical, openness: openness, width: width)
}

/// A frame whose eyes look `leftward` (ratio change toward the image's left) from a rest of 0.55.
func looking(_ leftward: Double = 0, up: Double = 0, yaw: Double = 0, pitch: Double = 0, openness: Double = 0.32, width: Double = 60) -> EyeObservation {
    EyeObservation(
        right: eye(0.55 + leftward, 0.07 + up, openness: openness, width: width),
        left: eye(0.55 - leftward, 0.07 + up, openness: openness, width: width),
        pose: HeadPose(yaw: yaw, pitch: pitch, roll: 0))
}

@Suite("Eye gaze: estimate against a calibration")
struct EyeGazeEstimatorTests {
    let configuration = EyeGazeConfiguration()
    var centre: GazeCalibration {
        GazeCalibration(
            source: .automatic, right: EyeCentre(horizontal: 0.55, vertical: 0.07), left: EyeCentre(horizontal: 0.55, vertical: 0.07),
            yaw: 2, pitch: 5, range: configuration.range, frames: 7)
    }

    @Test("the calibrated centre reads 0; eyes toward the image's left read positive, up reads positive")
    func signs() throws {
        let still = EyeGazeEstimator.estimate(looking(yaw: 2, pitch: 5), calibration: centre, configuration: configuration)
        #expect(try abs(try #require(still.horizontal)) < 1e-9 && abs(try #require(still.vertical)) < 1e-9)
        #expect(try abs(try #require(still.gazeYaw)) < 1e-9)
        let left = EyeGazeEstimator.estimate(looking(0.1, yaw: 2, pitch: 5), calibration: centre, configuration: configuration)
        let h = try #require(left.horizontal)
        #expect(abs(h - 0.1 / configuration.eyeballRadiusRatio) < 1e-9)
        #expect(try abs(try #require(left.gazeYaw) - asin(h) * 180 / .pi) < 1e-9)
        // Each eye reads the same direction although their ratios moved opposite ways.
        #expect(try #require(left.right?.horizontal) > 0 && (try #require(left.left?.horizontal)) > 0)
        let up = EyeGazeEstimator.estimate(looking(up: 0.05, yaw: 2, pitch: 5), calibration: centre, configuration: configuration)
        #expect(try #require(up.vertical) > 0 && (try #require(up.gazePitch)) > 0)
    }

    @Test("gaze adds the head's turn from the calibrated pose; eyes turned back against the head cancel it")
    func headAndEyes() throws {
        let turned = EyeGazeEstimator.estimate(looking(yaw: 22, pitch: 5), calibration: centre, configuration: configuration)
        #expect(try abs(try #require(turned.gazeYaw) - 20) < 1e-9)
        // The head 20° toward the image's left, the eyes sin⁻¹(Δ/0.35) back toward its right.
        let delta = -sin(20 * Double.pi / 180) * configuration.eyeballRadiusRatio
        let compensated = EyeGazeEstimator.estimate(looking(delta, yaw: 22, pitch: 5), calibration: centre, configuration: configuration)
        #expect(try abs(try #require(compensated.gazeYaw)) < 1e-6)
    }

    @Test("a closed eye counts for nothing and the open eye decides; both closed is a blink without a reading")
    func closedEyes() throws {
        var observation = looking(0.1, yaw: 2, pitch: 5)
        observation.left = eye(0.2, openness: 0.05)  // closed: its ratios are nonsense
        let one = EyeGazeEstimator.estimate(observation, calibration: centre, configuration: configuration)
        #expect(!one.blink)
        #expect(try #require(one.left?.weight) == 0)
        #expect(try abs(try #require(one.horizontal) - 0.1 / configuration.eyeballRadiusRatio) < 1e-9)
        let both = EyeGazeEstimator.estimate(looking(0.1, openness: 0.05), calibration: centre, configuration: configuration)
        #expect(both.blink && both.detected)
        #expect(both.horizontal == nil && both.gazeYaw == nil && !both.isUsable)
    }

    @Test("the narrower (foreshortened) eye and a narrowing lid weigh less; a tiny eye is not measured")
    func weights() throws {
        let wide = eye(0.5, width: 60)
        #expect(EyeGazeEstimator.weight(wide, widest: 60, configuration: configuration) == 1)
        #expect(abs(EyeGazeEstimator.weight(eye(0.5, width: 30), widest: 60, configuration: configuration) - 0.5) < 1e-9)
        let half = (configuration.blinkOpenness + configuration.fullOpenness) / 2
        #expect(abs(EyeGazeEstimator.weight(eye(0.5, openness: half), widest: 60, configuration: configuration) - 0.5) < 1e-9)
        #expect(EyeGazeEstimator.weight(eye(0.5, width: configuration.minimumEyeWidth - 1), widest: 60, configuration: configuration) == 0)
        // Two eyes disagreeing: the average leans toward the better one.
        var observation = looking(yaw: 2, pitch: 5)
        observation.right = eye(0.55 + 0.1, width: 60)
        observation.left = eye(0.55, width: 20)
        let estimate = EyeGazeEstimator.estimate(observation, calibration: centre, configuration: configuration)
        let h = try #require(estimate.horizontal) * configuration.eyeballRadiusRatio
        #expect(h > 0.07 && h < 0.1)
        let tiny = EyeGazeEstimator.estimate(looking(width: 5), calibration: centre, configuration: configuration)
        #expect(!tiny.detected && tiny.horizontal == nil)
    }

    @Test("the range's extent is below 1 inside, above 1 outside, per side")
    func extent() {
        let range = GazeRange(left: 15, right: 10, up: 20, down: 25)
        #expect(range.extent(yaw: 0, pitch: 0) == 0)
        #expect(abs(range.extent(yaw: 15, pitch: 0) - 1) < 1e-12)
        #expect(range.extent(yaw: -12, pitch: 0) > 1)
        #expect(range.extent(yaw: 12, pitch: 0) < 1)
        #expect(range.extent(yaw: 0, pitch: -24) < 1 && range.extent(yaw: 0, pitch: 24) > 1)
    }
}

@Suite("Eye gaze: calibration")
struct GazeCalibrationTests {
    let configuration = EyeGazeConfiguration()

    @Test("automatic: the median of the first 3 s of near-frontal frames, once")
    func automatic() throws {
        var calibrator = GazeCalibrator(configuration: configuration)
        // A turned head does not count and does not start the clock.
        #expect(calibrator.offer(looking(0.2, yaw: 30), at: 0) == nil)
        #expect(calibrator.sampleCount == 0)
        var result: GazeCalibration?
        var completedAt: Double?
        for (i, t) in stride(from: 1.0, through: 6.0, by: 0.5).enumerated() {
            // One wild frame (a glance) among steady ones: the median ignores it.
            let frame = i == 2 ? looking(0.3, yaw: 1) : looking(0.01, yaw: 1, pitch: 4)
            if let done = calibrator.offer(frame, at: t) {
                result = done
                completedAt = t
            }
        }
        let calibration = try #require(result)
        #expect(completedAt == 4.0)
        #expect(calibration.source == .automatic && calibration.frames == 7)
        #expect(try abs(try #require(calibration.right).horizontal - 0.56) < 1e-9)
        #expect(try abs(try #require(calibration.left).horizontal - 0.54) < 1e-9)
        #expect(calibration.yaw == 1 && calibration.pitch == 4)
        #expect(calibration.range == configuration.range)
        // Never recalibrated silently.
        #expect(calibrator.offer(looking(0.2), at: 7) == nil)
        #expect(calibrator.result == calibration)
    }

    @Test("automatic: blinks and too few frames do not calibrate; time going backwards starts over")
    func automaticNeedsFrames() {
        var calibrator = GazeCalibrator(configuration: configuration)
        #expect(calibrator.offer(looking(), at: 0) == nil)
        for t in [1.0, 2.0, 3.0] { #expect(calibrator.offer(looking(openness: 0.05), at: t) == nil) }
        #expect(calibrator.offer(looking(), at: 3.5) == nil)  // 2 usable frames over 3.5 s: not enough
        #expect(calibrator.offer(looking(), at: 1) == nil)  // a new stream
        #expect(calibrator.sampleCount == 1)
    }

    @Test("explicit: the centre from the centre dot, each side from its farthest corner plus the margin")
    func explicit() throws {
        let r = configuration.eyeballRadiusRatio
        func toward(_ yaw: Double, _ pitch: Double) -> EyeObservation {
            looking(sin(yaw * .pi / 180) * r, up: sin(pitch * .pi / 180) * r, yaw: 1, pitch: 3)
        }
        let observations: [CalibrationTarget: [EyeObservation?]] = [
            .center: [toward(0, 0), toward(0.5, -0.5), nil, toward(-0.5, 0.5)],
            .topLeft: [toward(-18, 9), toward(-18, 9)],  // the candidate's upper left: the image's right
            .topRight: [toward(18, 9)],
            .bottomRight: [toward(20, -11), nil],
            .bottomLeft: [toward(-18, -11)],
        ]
        let result = try GazeCalibration.explicit(observations, configuration: configuration).get()
        let calibration = result.calibration
        #expect(calibration.source == .explicit)
        #expect(calibration.yaw == 1 && calibration.pitch == 3)
        #expect(abs(calibration.range.left - (20 + configuration.calibrationMargin)) < 1e-6)
        #expect(abs(calibration.range.right - (18 + configuration.calibrationMargin)) < 1e-6)
        #expect(abs(calibration.range.up - (9 + configuration.calibrationMargin)) < 1e-6)
        #expect(abs(calibration.range.down - (11 + configuration.calibrationMargin)) < 1e-6)
        #expect(calibration.frames == 8)
        #expect(result.targets.count == 5)
        let bottomRight = try #require(result.targets.first { $0.target == .bottomRight })
        #expect(bottomRight.frames == 2 && bottomRight.faces == 1 && bottomRight.usable == 1)
        #expect(try abs(try #require(bottomRight.gazeYaw) - 20) < 1e-6)
    }

    @Test("explicit: a lazy or gamed calibration is kept within the minimum and maximum range; unmeasured sides keep the default")
    func explicitLimits() throws {
        let r = configuration.eyeballRadiusRatio
        let observations: [CalibrationTarget: [EyeObservation?]] = [
            .center: [looking(), looking()],
            .topRight: [looking(0)],  // the eyes never moved
            .bottomLeft: [looking(-sin(80 * Double.pi / 180) * r, up: -0.3)],  // far past any screen
        ]
        let range = try GazeCalibration.explicit(observations, configuration: configuration).get().calibration.range
        #expect(range.left == configuration.minimumRange)
        #expect(range.right == configuration.maximumRange)
        #expect(range.down == configuration.maximumRange)
        #expect(range.up == configuration.minimumRange)
        let centreOnly = try GazeCalibration.explicit([.center: [looking(), looking()]], configuration: configuration).get().calibration
        #expect(centreOnly.range == configuration.range)
    }

    @Test(
        "explicit: refused without a face, without usable eyes, or with the head turned",
        arguments: [
            ([nil, nil, looking()], CalibrationProblem.Reason.noFace),
            ([looking(openness: 0.02), looking(openness: 0.02)], .eyesNotFound),
            ([looking(yaw: 25), looking(yaw: 24)], .notFrontal),
        ] as [([EyeObservation?], CalibrationProblem.Reason)])
    func explicitRefused(_ centre: [EyeObservation?], _ reason: CalibrationProblem.Reason) {
        switch GazeCalibration.explicit([.center: centre], configuration: configuration) {
        case .success: Issue.record("calibration accepted")
        case .failure(let problem):
            #expect(problem.reason == reason)
            #expect(!problem.message.isEmpty)
        }
    }
}

@Suite("Eye gaze: off screen with hysteresis")
struct OffScreenTrackerTests {
    func tracker() -> OffScreenTracker {
        OffScreenTracker(enterSeconds: 1.5, leaveSeconds: 0, returnFraction: 0.8, maximumGap: 2)
    }

    @Test("off screen only after 1.5 s outside; the duration counts from the first frame outside")
    func enters() {
        var t = tracker()
        #expect(t.update(extent: 0.5, at: 0).offScreen == false)
        for time in [0.5, 1.0, 1.5] { #expect(t.update(extent: 1.3, at: time).offScreen == false) }
        let state = t.update(extent: 1.3, at: 2.0)
        #expect(state.offScreen && abs(state.duration - 1.5) < 1e-9)
        #expect(abs(t.update(extent: 1.3, at: 3.0).duration - 2.5) < 1e-9)
    }

    @Test("a glance shorter than 1.5 s is not flagged")
    func glance() {
        var t = tracker()
        for (time, extent) in [(0.0, 1.4), (0.5, 1.4), (1.0, 1.4), (1.5, 0.2), (2.0, 1.4), (2.5, 1.4), (3.0, 0.3)] {
            #expect(t.update(extent: extent, at: time).offScreen == false)
        }
    }

    @Test("blinks neither start, break nor end an episode")
    func blinks() {
        var t = tracker()
        t.update(extent: 1.2, at: 0)
        t.update(extent: nil, at: 0.5)  // blink
        t.update(extent: 1.2, at: 1.0)
        #expect(t.update(extent: 1.2, at: 1.5).offScreen)
        #expect(t.update(extent: nil, at: 2.0).offScreen)
        #expect(t.update(extent: 1.1, at: 2.5).offScreen)
    }

    @Test("back on screen only within the return fraction of the range")
    func returnHysteresis() {
        var t = tracker()
        for time in stride(from: 0.0, through: 2.0, by: 0.5) { t.update(extent: 1.5, at: time) }
        #expect(t.isOffScreen)
        #expect(t.update(extent: 0.9, at: 2.5).offScreen)  // inside the range, not yet inside 80 % of it
        #expect(t.update(extent: 0.7, at: 3.0).offScreen == false)
        #expect(t.update(extent: 0.95, at: 3.5).offScreen == false)  // and entering again needs 1.5 s beyond 1
    }

    @Test("a long stretch without readings resets to on screen; so does time going backwards")
    func resets() {
        var t = tracker()
        for time in stride(from: 0.0, through: 2.0, by: 0.5) { t.update(extent: 1.5, at: time) }
        #expect(t.isOffScreen)
        #expect(t.update(extent: nil, at: 3.0).offScreen)
        #expect(t.update(extent: nil, at: 4.5).offScreen == false)
        for time in stride(from: 5.0, through: 7.0, by: 0.5) { t.update(extent: 1.5, at: time) }
        #expect(t.isOffScreen)
        #expect(t.update(extent: 1.5, at: 1.0).offScreen == false)
    }

    @Test("leaving can also wait: with a leave time the first frame back does not end it")
    func leaveTime() {
        var t = OffScreenTracker(enterSeconds: 1, leaveSeconds: 1, returnFraction: 0.8, maximumGap: 2)
        for time in stride(from: 0.0, through: 1.0, by: 0.5) { t.update(extent: 2, at: time) }
        #expect(t.update(extent: 0.1, at: 1.5).offScreen)
        #expect(t.update(extent: 0.1, at: 2.0).offScreen)
        #expect(t.update(extent: 0.1, at: 2.5).offScreen == false)
    }
}

@Suite("Eye gaze: per-session tracker and risk")
struct EyeGazeTrackerTests {
    @Test("no decision before calibration; calibration reported once; then a sustained glance is off screen")
    func tracker() throws {
        let configuration = EyeGazeConfiguration()
        var tracker = EyeGazeTracker(configuration: configuration)
        let away = sin(25 * Double.pi / 180) * configuration.eyeballRadiusRatio
        var calibrations = 0
        var flagged: [Double] = []
        for step in 0..<30 {
            let time = Double(step) * 0.5
            let frame = time >= 5 && time < 10 ? looking(away) : looking()
            let update = tracker.update(frame, at: time)
            if update.newCalibration != nil { calibrations += 1 }
            #expect(update.report.calibrated == (time >= 3))
            if update.report.offScreen { flagged.append(time) }
        }
        #expect(calibrations == 1)
        #expect(flagged == [6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5])
        // Nothing seen: a report with every field unknown.
        let none = tracker.update(nil, at: 20)
        #expect(!none.report.detected && none.report.horizontal == nil && none.report.calibrated)
    }

    @Test("a stored calibration is used from the first frame")
    func given() {
        let configuration = EyeGazeConfiguration()
        let stored = GazeCalibration(
            source: .explicit, right: EyeCentre(horizontal: 0.55, vertical: 0.07), left: EyeCentre(horizontal: 0.55, vertical: 0.07),
            yaw: 0, pitch: 0, range: GazeRange(left: 10, right: 10, up: 10, down: 10), frames: 20)
        var tracker = EyeGazeTracker(configuration: configuration, calibration: stored)
        let first = tracker.update(looking(), at: 0)
        #expect(first.report.calibrated && first.report.calibration == .explicit && first.newCalibration == nil)
        #expect(tracker.calibration == stored)
    }

    @Test("eyes off screen scores its own weight, only while the head-pose rule is silent")
    func risk() {
        let scorer = RiskScorer()
        let window = BehaviourWindow(capacity: 30).summary
        let eyes = FrameObservation(
            timestamp: 0, faceCount: 1, pose: HeadPose(yaw: 5, pitch: 0, roll: 0), isDeviation: false, deviationDuration: 0,
            personCount: 1, forbiddenItems: [], eyesOffScreen: true, eyesOffScreenDuration: 2, eyesConfidence: 0.9)
        let assessment = scorer.assess(eyes, behaviour: window)
        #expect(assessment.violations.map(\.kind) == [.eyesOffScreen])
        #expect(assessment.score == 15 && assessment.violations[0].confidence == 0.9)
        var head = eyes
        head.isDeviation = true
        head.pose = HeadPose(yaw: 60, pitch: 0, roll: 0)
        #expect(scorer.assess(head, behaviour: window).violations.map(\.kind) == [.lookingAway])
        let accommodated = RiskWeights().accommodating(Accommodation(candidateId: "c", scales: ["eyes_off_screen": 0]))
        #expect(accommodated.points(for: .eyesOffScreen) == 0 && accommodated.points(for: .lookingAway) == 20)
        #expect(Accommodation(candidateId: "c", scales: ["eyes_off_screen": 0.5]).problems.isEmpty)
    }
}

@Suite("Eye gaze: when the iris model runs")
struct EyeScheduleTests {
    let pose = HeadPose(yaw: 0, pitch: 0, roll: 0)

    @Test("on change: the first frame, a change of both eye crops, and the refresh run the model; a steady gaze is carried")
    func onChange() throws {
        var schedule = EyeSchedule(mode: .onChange, changeThreshold: 3.5, refreshSeconds: 2)
        #expect(schedule.shouldMeasure(change: nil, at: 0))
        let firstObservation = schedule.observation(measured: [.right: eye(0.6), .left: eye(0.4)], pose: pose, at: 0)
        #expect(try #require(firstObservation) == EyeObservation(right: eye(0.6), left: eye(0.4), pose: pose))
        // Steady: not run, the measurement carried (with this frame's head pose).
        #expect(!schedule.shouldMeasure(change: 2.9, at: 0.5))
        let turned = HeadPose(yaw: 12, pitch: 0, roll: 0)
        let carriedObservation = schedule.observation(measured: nil, pose: turned, at: 0.5)
        #expect(try #require(carriedObservation) == EyeObservation(right: eye(0.6), left: eye(0.4), pose: turned))
        // The eyes moved; or a crop cannot be compared; or the measurement is due again.
        #expect(schedule.shouldMeasure(change: 4.4, at: 1))
        #expect(schedule.shouldMeasure(change: nil, at: 1))
        #expect(schedule.shouldMeasure(change: 0.5, at: 2))
        // A carried measurement expires with the refresh; time going backwards makes it stale too.
        #expect(schedule.observation(measured: nil, pose: pose, at: 2.5) == nil)
        #expect(schedule.observation(measured: nil, pose: pose, at: -1) == nil)
        #expect(schedule.shouldMeasure(change: 0.5, at: -1))
    }

    @Test("an eye that could not be measured is not carried; no face, no observation")
    func missing() throws {
        var schedule = EyeSchedule(mode: .onChange, changeThreshold: 3.5, refreshSeconds: 2)
        _ = schedule.observation(measured: [.right: eye(0.6), .left: eye(0.4)], pose: pose, at: 0)
        let oneObservation = schedule.observation(measured: [.right: eye(0.62), .left: nil], pose: pose, at: 0.5)
        #expect(try #require(oneObservation).left == nil)
        #expect(schedule.observation(measured: nil, pose: nil, at: 1) == nil)
        #expect(schedule.observation(measured: [.right: nil, .left: nil], pose: pose, at: 1.5) == nil)
    }

    @Test("every frame: the model always runs")
    func everyFrame() {
        var schedule = EyeSchedule(mode: .everyFrame, changeThreshold: 3.5, refreshSeconds: 2)
        _ = schedule.observation(measured: [.right: eye(0.6), .left: eye(0.4)], pose: pose, at: 0)
        #expect(schedule.shouldMeasure(change: 0, at: 0.5))
        #expect(schedule.shouldMeasure(change: nil, at: 0.5))
    }
}
