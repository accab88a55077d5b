/// Which eyes the iris model runs on for each processed frame, and the observation of a frame from
/// what it measured.
///
/// `both` measures both eyes on every frame. `adaptive` measures one eye per frame in turn while
/// the eyes are steady, carrying the other eye's reading from the frame before (at most
/// `maximumAge` seconds old), and measures the other eye as well as soon as the first one moved
/// (by more than `changeThreshold` in either ratio), could not be measured, or the other eye has
/// no recent reading. Every estimate averages both eyes; a steady gaze costs one model run per
/// frame instead of two, and a glance is seen by both eyes on the frame it starts. An eye's ratios
/// are measured against its own corners, so a carried reading stays valid while the head moves.
public struct EyeSchedule: Sendable {
    public enum Mode: String, Sendable, Hashable, Codable {
        case both
        case adaptive
    }

    public let mode: Mode
    public let maximumAge: Double
    public let changeThreshold: Double
    private var next: EyeSide = .right
    private var carried: [EyeSide: Reading] = [:]

    struct Reading: Sendable {
        var eye: EyeMeasurement
        var at: Double
    }

    public init(mode: Mode, maximumAge: Double, changeThreshold: Double) {
        self.mode = mode
        self.maximumAge = maximumAge
        self.changeThreshold = changeThreshold
    }

    public init(configuration: EyeGazeConfiguration) {
        self.init(mode: configuration.eyesPerFrame, maximumAge: configuration.carriedEyeSeconds, changeThreshold: configuration.eyeChangeThreshold)
    }

    /// The eyes to measure first on the next processed frame.
    public var sides: [EyeSide] {
        mode == .both ? EyeSide.allCases : [next]
    }

    /// The eyes still to measure on a frame at `timestamp` after `measured` (empty in `both` mode).
    public func additionalSides(after measured: [EyeSide: EyeMeasurement?], at timestamp: Double) -> [EyeSide] {
        guard mode == .adaptive, measured.count == 1, let (side, eye) = measured.first else { return [] }
        let other: EyeSide = side == .right ? .left : .right
        guard let eye, let previous = recent(side, at: timestamp), recent(other, at: timestamp) != nil else { return [other] }
        let moved = max(abs(eye.horizontal - previous.horizontal), abs(eye.vertical - previous.vertical))
        return moved > changeThreshold ? [other] : []
    }

    /// The frame's observation: the eyes measured on it (`measured`, nil for an eye that was run but
    /// could not be measured), with the other eye carried when only one was measured. Nil without a
    /// pose or without any eye.
    public mutating func observation(measured: [EyeSide: EyeMeasurement?], pose: HeadPose?, at timestamp: Double) -> EyeObservation? {
        // A frame that ran the iris moves the turn on; a frame without a face does not.
        if mode == .adaptive, !measured.isEmpty { next = next == .right ? .left : .right }
        for (side, eye) in measured {
            carried[side] = eye.map { Reading(eye: $0, at: timestamp) }
        }
        guard let pose, !measured.isEmpty else { return nil }
        let right = recent(.right, at: timestamp), left = recent(.left, at: timestamp)
        guard right != nil || left != nil else { return nil }
        return EyeObservation(right: right, left: left, pose: pose)
    }

    /// An eye's reading if it is recent (time going backwards, a new stream, makes it stale too).
    private func recent(_ side: EyeSide, at timestamp: Double) -> EyeMeasurement? {
        guard let reading = carried[side], timestamp >= reading.at, timestamp - reading.at <= maximumAge else { return nil }
        return reading.eye
    }
}
