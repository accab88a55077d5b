/// A session's eye gaze over time: calibration (given, or automatic from the first seconds), the
/// estimate of each frame against it, and the off-screen state with hysteresis.
public struct EyeGazeTracker: Sendable {
    public let configuration: EyeGazeConfiguration
    public private(set) var calibration: GazeCalibration?
    private var calibrator: GazeCalibrator
    private var offScreen: OffScreenTracker

    /// - Parameter calibration: the session's stored calibration; without one the tracker calibrates
    ///   itself from the first near-frontal seconds, once.
    public init(configuration: EyeGazeConfiguration, calibration: GazeCalibration? = nil) {
        self.configuration = configuration
        self.calibration = calibration
        calibrator = GazeCalibrator(configuration: configuration)
        offScreen = OffScreenTracker(configuration: configuration)
    }

    /// The result of one frame.
    public struct Update: Sendable, Hashable {
        public var report: EyeGazeReport
        public var estimate: EyeGazeEstimate?
        /// Set on the frame that completed the automatic calibration (to be stored with the session).
        public var newCalibration: GazeCalibration?
    }

    /// Records a processed frame: `observation` is nil without a face, landmarks or eyes.
    public mutating func update(_ observation: EyeObservation?, at timestamp: Double) -> Update {
        var completed: GazeCalibration?
        if calibration == nil, let observation, let result = calibrator.offer(observation, at: timestamp) {
            calibration = result
            completed = result
        }
        let reference = calibration ?? EyeGazeEstimator.nominalCentre(range: configuration.range)
        let estimate = observation.map { EyeGazeEstimator.estimate($0, calibration: reference, configuration: configuration) }
        // No decision before calibration: thresholds are relative to the candidate's own centre.
        var extent: Double?
        if calibration != nil, let estimate, let yaw = estimate.gazeYaw, let pitch = estimate.gazePitch {
            extent = reference.range.extent(yaw: yaw, pitch: pitch)
        }
        let state = offScreen.update(extent: extent, at: timestamp)
        let report = EyeGazeReport(estimate: estimate, calibration: calibration, offScreen: state.offScreen, offScreenDuration: state.duration)
        return Update(report: report, estimate: estimate, newCalibration: completed)
    }
}

/// `gaze.eyes` in the analysis message. Every field is always present; unknown values are null.
public struct EyeGazeReport: Sendable, Hashable, Codable {
    /// One eye: `horizontal` and `vertical` as the sine of the eye-in-head angle from the calibrated
    /// centre (positive toward the image's left and up), `openness` the lid gap over the eye width.
    public struct Eye: Sendable, Hashable, Codable {
        public var horizontal: Double?
        public var vertical: Double?
        public var openness: Double?

        public init(horizontal: Double?, vertical: Double?, openness: Double?) {
            self.horizontal = horizontal
            self.vertical = vertical
            self.openness = openness
        }

        init(_ reading: EyeReading?) {
            self.init(horizontal: reading?.horizontal, vertical: reading?.vertical, openness: reading?.openness)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(horizontal, forKey: .horizontal)
            try container.encode(vertical, forKey: .vertical)
            try container.encode(openness, forKey: .openness)
        }
    }

    /// The iris model found at least one eye wide enough to measure.
    public var detected: Bool
    /// Both eyes, weighted by how well each was seen: in -1...1, 0 at the calibrated centre,
    /// positive toward the image's left (the head-pose yaw sign) and up. Null on a blink.
    public var horizontal: Double?
    public var vertical: Double?
    /// The subject's left eye (on the image's right) and right eye.
    public var left: Eye
    public var right: Eye
    public var blink: Bool
    public var calibrated: Bool
    /// `automatic` (first seconds of the exam), `explicit` (the calibration step), or null.
    public var calibration: GazeCalibration.Source?
    /// Gaze direction, head and eyes together, in degrees from the calibrated centre: what the
    /// off-screen decision compares with the range.
    public var gazeYaw: Double?
    public var gazePitch: Double?
    /// The eyes have been outside the calibrated range for at least `offScreenSeconds`.
    public var offScreen: Bool
    /// Seconds since they left it (0 on screen).
    public var offScreenDuration: Double
    /// How well the eyes were seen, 0...1.
    public var confidence: Double

    public init(estimate: EyeGazeEstimate?, calibration: GazeCalibration?, offScreen: Bool, offScreenDuration: Double) {
        detected = estimate?.detected ?? false
        horizontal = estimate?.horizontal
        vertical = estimate?.vertical
        left = Eye(estimate?.left)
        right = Eye(estimate?.right)
        blink = estimate?.blink ?? false
        calibrated = calibration != nil
        self.calibration = calibration?.source
        gazeYaw = estimate?.gazeYaw
        gazePitch = estimate?.gazePitch
        self.offScreen = offScreen
        self.offScreenDuration = offScreenDuration
        confidence = estimate?.confidence ?? 0
    }

    /// Nothing seen (no face, or eye gaze switched off).
    public static let none = EyeGazeReport(estimate: nil, calibration: nil, offScreen: false, offScreenDuration: 0)

    enum CodingKeys: String, CodingKey {
        case detected, horizontal, vertical, left, right, blink, calibrated, calibration, gazeYaw, gazePitch, offScreen, offScreenDuration, confidence
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(detected, forKey: .detected)
        try container.encode(horizontal, forKey: .horizontal)
        try container.encode(vertical, forKey: .vertical)
        try container.encode(left, forKey: .left)
        try container.encode(right, forKey: .right)
        try container.encode(blink, forKey: .blink)
        try container.encode(calibrated, forKey: .calibrated)
        try container.encode(calibration, forKey: .calibration)
        try container.encode(gazeYaw, forKey: .gazeYaw)
        try container.encode(gazePitch, forKey: .gazePitch)
        try container.encode(offScreen, forKey: .offScreen)
        try container.encode(offScreenDuration, forKey: .offScreenDuration)
        try container.encode(confidence, forKey: .confidence)
    }
}
