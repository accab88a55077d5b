/// When the iris model runs, and the observation of a frame from what it measured.
///
/// `everyFrame` measures both eyes on every processed frame. `onChange` measures them only when
/// the eyes' crops (64x64, aligned by the face mesh, so that moving the head alone changes nothing)
/// have changed since the last measurement by more than `changeThreshold` in both eyes, or when
/// the last measurement is `refreshSeconds` old; in between, the last measurement is carried. A
/// steady gaze (most of an exam) then costs a model run every `refreshSeconds` instead of two per
/// frame, while a glance, a blink or a return is measured on the frame it shows.
public struct EyeSchedule: Sendable {
    public enum Mode: String, Sendable, Hashable, Codable {
        case everyFrame = "every_frame"
        case onChange = "on_change"
    }

    public let mode: Mode
    public let changeThreshold: Double
    public let refreshSeconds: Double
    private var carried: [EyeSide: EyeMeasurement] = [:]
    private var measuredAt: Double?

    public init(mode: Mode, changeThreshold: Double, refreshSeconds: Double) {
        self.mode = mode
        self.changeThreshold = changeThreshold
        self.refreshSeconds = refreshSeconds
    }

    public init(configuration: EyeGazeConfiguration) {
        self.init(mode: configuration.irisRuns, changeThreshold: configuration.eyeChangeThreshold, refreshSeconds: configuration.irisRefreshSeconds)
    }

    /// Whether to run the model on a frame at `timestamp` whose eye crops changed by `change` since
    /// the last measurement (the smaller of the two eyes' changes; nil when not comparable).
    public func shouldMeasure(change: Double?, at timestamp: Double) -> Bool {
        guard mode == .onChange, let last = measuredAt, timestamp >= last, timestamp - last < refreshSeconds, let change else { return true }
        return change > changeThreshold
    }

    /// The frame's observation. `measured`: each eye's measurement when the model ran on this frame
    /// (nil for an eye too small or not measurable), nil when it did not run and the last
    /// measurement is carried. Nil without a pose (no face, or no usable landmarks) or without an eye.
    public mutating func observation(measured: [EyeSide: EyeMeasurement?]?, pose: HeadPose?, at timestamp: Double) -> EyeObservation? {
        if let measured {
            carried = measured.compactMapValues { $0 }
            measuredAt = timestamp
        }
        guard let pose, let at = measuredAt, timestamp >= at, timestamp - at <= refreshSeconds else { return nil }
        guard carried[.right] != nil || carried[.left] != nil else { return nil }
        return EyeObservation(right: carried[.right], left: carried[.left], pose: pose)
    }
}
