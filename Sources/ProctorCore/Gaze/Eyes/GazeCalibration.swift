import Foundation

/// One eye's ratios when the candidate looks at the centre of the screen.
public struct EyeCentre: Sendable, Hashable, Codable {
    public var horizontal: Double
    public var vertical: Double

    public init(horizontal: Double, vertical: Double) {
        self.horizontal = horizontal
        self.vertical = vertical
    }
}

/// A candidate's own gaze centre and on-screen range: what "eyes off screen" is measured against.
///
/// Stored with the session (explicit from the candidate page's calibration step, or automatic from
/// the first seconds of the exam), so that a reconnection or a recorded chunk uses the same centre.
public struct GazeCalibration: Sendable, Hashable, Codable {
    public enum Source: String, Sendable, Hashable, Codable {
        /// The median of the first seconds of near-frontal frames.
        case automatic
        /// The candidate page's calibration step: the centre, then the screen's four corners.
        case explicit
    }

    public var source: Source
    /// Each eye's ratios at the centre; nil for an eye that could not be measured then.
    public var right: EyeCentre?
    public var left: EyeCentre?
    /// Head pose at the centre, degrees.
    public var yaw: Double
    public var pitch: Double
    public var range: GazeRange
    /// Frames the calibration was computed from.
    public var frames: Int

    public init(source: Source, right: EyeCentre?, left: EyeCentre?, yaw: Double, pitch: Double, range: GazeRange, frames: Int) {
        self.source = source
        self.right = right
        self.left = left
        self.yaw = yaw
        self.pitch = pitch
        self.range = range
        self.frames = frames
    }

    public func centre(_ side: EyeSide) -> EyeCentre? {
        side == .right ? right : left
    }

    /// The centre as the median of usable frames (not blinks, at least one eye measured); nil
    /// without any. Each eye's centre comes from the frames where that eye was measurable and open.
    public static func median(of observations: [EyeObservation], source: Source, range: GazeRange, configuration: EyeGazeConfiguration) -> GazeCalibration? {
        let usable = observations.filter { isUsable($0, configuration: configuration) }
        guard !usable.isEmpty else { return nil }
        func centre(_ side: EyeSide) -> EyeCentre? {
            let eyes = usable.compactMap { side == .right ? $0.right : $0.left }.filter { isOpen($0, configuration: configuration) }
            guard !eyes.isEmpty else { return nil }
            return EyeCentre(horizontal: SampleStatistics.median(eyes.map(\.horizontal)), vertical: SampleStatistics.median(eyes.map(\.vertical)))
        }
        let right = centre(.right)
        let left = centre(.left)
        guard right != nil || left != nil else { return nil }
        return GazeCalibration(
            source: source, right: right, left: left, yaw: SampleStatistics.median(usable.map(\.pose.yaw)),
            pitch: SampleStatistics.median(usable.map(\.pose.pitch)), range: range, frames: usable.count)
    }

    static func isOpen(_ eye: EyeMeasurement, configuration: EyeGazeConfiguration) -> Bool {
        eye.width >= configuration.minimumEyeWidth && eye.openness >= configuration.blinkOpenness
    }

    /// A frame calibration may use: at least one open, measurable eye.
    static func isUsable(_ observation: EyeObservation, configuration: EyeGazeConfiguration) -> Bool {
        [observation.right, observation.left].contains { $0.map { isOpen($0, configuration: configuration) } ?? false }
    }
}

/// The default calibration: the median of the first `calibrationSeconds` of usable frames with a
/// near-frontal head (|yaw|, |pitch| below `calibrationHeadLimit`). Once complete it never changes:
/// a session is not recalibrated silently.
public struct GazeCalibrator: Sendable {
    public let configuration: EyeGazeConfiguration
    private var samples: [EyeObservation] = []
    private var first: Double?
    private var last: Double?
    public private(set) var result: GazeCalibration?

    public init(configuration: EyeGazeConfiguration) {
        self.configuration = configuration
    }

    public var sampleCount: Int { samples.count }

    /// Offers a frame; returns the calibration on the frame that completes it, nil otherwise.
    public mutating func offer(_ observation: EyeObservation, at timestamp: Double) -> GazeCalibration? {
        guard result == nil else { return nil }
        if let last, timestamp < last {
            // Time went backwards (a new stream): start over.
            samples.removeAll()
            first = nil
        }
        last = timestamp
        let limit = configuration.calibrationHeadLimit
        guard abs(observation.pose.yaw) < limit, abs(observation.pose.pitch) < limit,
            GazeCalibration.isUsable(observation, configuration: configuration)
        else { return nil }
        if first == nil { first = timestamp }
        samples.append(observation)
        guard let first, timestamp - first >= configuration.calibrationSeconds, samples.count >= configuration.calibrationMinimumFrames else { return nil }
        result = GazeCalibration.median(of: samples, source: .automatic, range: configuration.range, configuration: configuration)
        samples.removeAll()
        return result
    }
}

/// The candidate page's calibration step: frames taken while the candidate looked at a dot in the
/// centre of the screen and then at each corner.
public enum CalibrationTarget: String, Sendable, Hashable, Codable, CaseIterable {
    case center
    case topLeft = "top_left"
    case topRight = "top_right"
    case bottomRight = "bottom_right"
    case bottomLeft = "bottom_left"
}

/// Why an explicit calibration was refused, in words for the candidate.
public struct CalibrationProblem: Error, Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable, Codable {
        case noFace = "no_face"
        case eyesNotFound = "eyes_not_found"
        case notFrontal = "not_frontal"
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}

/// What the calibration step measured on one target.
public struct CalibrationTargetSummary: Sendable, Hashable, Codable {
    public var target: CalibrationTarget
    /// Frames sent, frames with a face, frames whose eyes could be used.
    public var frames: Int
    public var faces: Int
    public var usable: Int
    /// Median gaze in degrees from the centre (nil for the centre itself and for a target without usable frames).
    public var gazeYaw: Double?
    public var gazePitch: Double?
}

/// An explicit calibration and what each target contributed.
public struct ExplicitCalibration: Sendable, Hashable {
    public var calibration: GazeCalibration
    public var targets: [CalibrationTargetSummary]
}

extension GazeCalibration {
    /// Frames of the centre dot needed with a face and open eyes.
    public static let minimumCentreFrames = 2

    /// An explicit calibration from the frames of each target. `observations[target]` holds one
    /// entry per frame taken: nil when no face (or no landmarks) was found on it.
    ///
    /// The centre is the median of the centre frames. Each side of the range is the farthest corner
    /// on that side (its median gaze) plus `calibrationMargin`, kept within `minimumRange` and
    /// `maximumRange`; a side no corner measured keeps the default range.
    public static func explicit(_ observations: [CalibrationTarget: [EyeObservation?]], configuration: EyeGazeConfiguration) -> Result<
        ExplicitCalibration, CalibrationProblem
    > {
        let centreFrames = observations[.center] ?? []
        let faces = centreFrames.compactMap { $0 }
        guard faces.count >= minimumCentreFrames else {
            return .failure(CalibrationProblem(.noFace, "your face was not found while you looked at the centre dot; sit facing the camera in good light"))
        }
        let usable = faces.filter { isUsable($0, configuration: configuration) }
        guard usable.count >= minimumCentreFrames,
            let centre = median(of: usable, source: .explicit, range: configuration.range, configuration: configuration)
        else {
            return .failure(CalibrationProblem(.eyesNotFound, "your eyes could not be measured; look at the dot with your eyes open, without glare on glasses"))
        }
        let limit = configuration.calibrationHeadLimit
        guard abs(centre.yaw) < limit, abs(centre.pitch) < limit else {
            return .failure(CalibrationProblem(.notFrontal, "your head was turned away from the camera; face the screen and the camera straight on"))
        }
        var summaries = [CalibrationTargetSummary(target: .center, frames: centreFrames.count, faces: faces.count, usable: usable.count)]
        var extremes = (left: [Double](), right: [Double](), up: [Double](), down: [Double]())
        for target in CalibrationTarget.allCases where target != .center {
            let frames = observations[target] ?? []
            let seen = frames.compactMap { $0 }
            let estimates = seen.map { EyeGazeEstimator.estimate($0, calibration: centre, configuration: configuration) }.filter(\.isUsable)
            var summary = CalibrationTargetSummary(target: target, frames: frames.count, faces: seen.count, usable: estimates.count)
            if !estimates.isEmpty {
                let yaw = SampleStatistics.median(estimates.compactMap(\.gazeYaw))
                let pitch = SampleStatistics.median(estimates.compactMap(\.gazePitch))
                summary.gazeYaw = yaw
                summary.gazePitch = pitch
                extremes.left.append(yaw)
                extremes.right.append(-yaw)
                extremes.up.append(pitch)
                extremes.down.append(-pitch)
            }
            summaries.append(summary)
        }
        func side(_ values: [Double], _ fallback: Double) -> Double {
            guard let farthest = values.max() else { return fallback }
            return min(configuration.maximumRange, max(configuration.minimumRange, max(0, farthest) + configuration.calibrationMargin))
        }
        var calibration = centre
        let defaults = configuration.range
        calibration.range = GazeRange(
            left: side(extremes.left, defaults.left), right: side(extremes.right, defaults.right),
            up: side(extremes.up, defaults.up), down: side(extremes.down, defaults.down))
        calibration.frames = observations.values.reduce(0) { $0 + $1.compactMap { $0 }.count }
        return .success(ExplicitCalibration(calibration: calibration, targets: summaries))
    }
}

enum SampleStatistics {
    /// The median; 0 for no values.
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
