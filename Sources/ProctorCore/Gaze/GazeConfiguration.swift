/// When a head pose counts as looking away from the screen.
public struct GazeConfiguration: Sendable, Hashable, Codable {
    /// |yaw| above this many degrees is a deviation.
    public var yawThreshold: Double
    /// |pitch| above this many degrees is a deviation.
    public var pitchThreshold: Double
    /// Half-life, in seconds, of the accumulated deviation time once the candidate looks back.
    public var deviationHalfLife: Double
    /// Longest gap between two frames that counts in full; longer gaps (a stalled stream) count as this.
    public var maximumStep: Double
    /// Eye gaze from the iris and "eyes off screen".
    public var eyes: EyeGazeConfiguration

    public init(
        yawThreshold: Double = 45, pitchThreshold: Double = 30, deviationHalfLife: Double = 3, maximumStep: Double = 2,
        eyes: EyeGazeConfiguration = EyeGazeConfiguration()
    ) {
        self.yawThreshold = yawThreshold
        self.pitchThreshold = pitchThreshold
        self.deviationHalfLife = deviationHalfLife
        self.maximumStep = maximumStep
        self.eyes = eyes
    }

    /// The looking-away rule: |yaw| > yawThreshold or |pitch| > pitchThreshold.
    public func isDeviation(_ pose: HeadPose) -> Bool {
        abs(pose.yaw) > yawThreshold || abs(pose.pitch) > pitchThreshold
    }
}
