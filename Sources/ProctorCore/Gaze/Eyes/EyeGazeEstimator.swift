import Foundation

/// What the face path measured of the eyes on one frame: each eye's ratios (nil when the eye could
/// not be measured) and the head pose.
public struct EyeObservation: Sendable, Hashable {
    /// The subject's right eye (on the image's left) and left eye.
    public var right: EyeMeasurement?
    public var left: EyeMeasurement?
    public var pose: HeadPose

    public init(right: EyeMeasurement?, left: EyeMeasurement?, pose: HeadPose) {
        self.right = right
        self.left = left
        self.pose = pose
    }
}

/// The subject's own sides.
public enum EyeSide: String, Sendable, Hashable, Codable, CaseIterable {
    case right, left
}

/// One eye against the calibrated centre.
public struct EyeReading: Sendable, Hashable {
    /// Eye-in-head direction as the sine of its angle from the centre: positive toward the image's
    /// left (the head-pose yaw sign), in -1...1.
    public var horizontal: Double
    /// Positive up, in -1...1.
    public var vertical: Double
    public var openness: Double
    /// How much this eye counts in the average (0...1): down for a narrowing lid, a small eye, or
    /// the far eye of a turned head.
    public var weight: Double
}

/// The eyes of one frame against the calibration, and the on-screen estimate.
public struct EyeGazeEstimate: Sendable, Hashable {
    public var right: EyeReading?
    public var left: EyeReading?
    /// At least one eye was wide enough to measure.
    public var detected: Bool
    /// Both measurable eyes closed: the frame says nothing about gaze.
    public var blink: Bool
    /// The weighted average of the eyes (nil on a blink or without a usable eye).
    public var horizontal: Double?
    public var vertical: Double?
    /// Gaze direction from the calibrated centre in degrees, head and eyes together: positive yaw
    /// toward the image's left, positive pitch up.
    public var gazeYaw: Double?
    public var gazePitch: Double?
    /// Summed eye weights over two (0...1).
    public var confidence: Double

    /// Whether this frame can decide on- or off-screen.
    public var isUsable: Bool { gazeYaw != nil && gazePitch != nil }
}

/// Turns eye ratios into gaze relative to a calibration. Pure arithmetic.
public enum EyeGazeEstimator {
    /// The centre assumed before calibration (reported, never decided on): head frontal, the iris a
    /// little outward of the corners' midpoint and above their line, as a frontal gaze reads on the
    /// webcam clip (horizontal 0.56, vertical 0.075).
    public static func nominalCentre(range: GazeRange) -> GazeCalibration {
        let eye = EyeCentre(horizontal: 0.56, vertical: 0.075)
        return GazeCalibration(source: .automatic, right: eye, left: eye, yaw: 0, pitch: 0, range: range, frames: 0)
    }

    /// How much an eye counts (0...1): nothing below the minimum width or when closed, weighted down
    /// as the lid narrows, and by its width relative to the wider eye (the far eye of a turned head
    /// is foreshortened and partly hidden by the nose).
    public static func weight(_ eye: EyeMeasurement, widest: Double, configuration: EyeGazeConfiguration) -> Double {
        guard eye.width >= configuration.minimumEyeWidth, widest > 0 else { return 0 }
        let span = max(1e-6, configuration.fullOpenness - configuration.blinkOpenness)
        let open = min(1, max(0, (eye.openness - configuration.blinkOpenness) / span))
        return open * min(1, eye.width / widest)
    }

    /// The ratios toward the image's left, per eye: the right eye's outer corner is on the image's
    /// left, the left eye's on its right.
    static func leftward(_ horizontal: Double, side: EyeSide) -> Double {
        side == .right ? horizontal : 1 - horizontal
    }

    public static func estimate(_ observation: EyeObservation, calibration: GazeCalibration, configuration: EyeGazeConfiguration) -> EyeGazeEstimate {
        let eyes: [(EyeSide, EyeMeasurement)] = [(.right, observation.right), (.left, observation.left)].compactMap { side, eye in eye.map { (side, $0) } }
        let widest = eyes.map(\.1.width).max() ?? 0
        let measurable = eyes.filter { $0.1.width >= configuration.minimumEyeWidth }
        let blink = !measurable.isEmpty && measurable.allSatisfy { $0.1.openness < configuration.blinkOpenness }
        let radius = max(1e-6, configuration.eyeballRadiusRatio)
        var readings: [EyeSide: EyeReading] = [:]
        var sumH = 0.0
        var sumV = 0.0
        var sumW = 0.0
        for (side, eye) in eyes {
            guard let centre = calibration.centre(side) else { continue }
            let dh = leftward(eye.horizontal, side: side) - leftward(centre.horizontal, side: side)
            let dv = eye.vertical - centre.vertical
            let w = weight(eye, widest: widest, configuration: configuration)
            readings[side] = EyeReading(horizontal: clamp(dh / radius), vertical: clamp(dv / radius), openness: eye.openness, weight: w)
            sumH += w * dh
            sumV += w * dv
            sumW += w
        }
        var estimate = EyeGazeEstimate(
            right: readings[.right], left: readings[.left], detected: !measurable.isEmpty, blink: blink,
            confidence: min(1, sumW / 2))
        guard !blink, sumW > 1e-6 else { return estimate }
        let horizontal = clamp(sumH / sumW / radius)
        let vertical = clamp(sumV / sumW / radius)
        estimate.horizontal = horizontal
        estimate.vertical = vertical
        let degrees = 180 / Double.pi
        estimate.gazeYaw = asin(horizontal) * degrees + configuration.headWeight * (observation.pose.yaw - calibration.yaw)
        estimate.gazePitch = asin(vertical) * degrees + configuration.headWeight * (observation.pose.pitch - calibration.pitch)
        return estimate
    }

    static func clamp(_ value: Double) -> Double { min(1, max(-1, value)) }
}
