/// What the detectors saw on one processed frame: the input of behaviour analysis and risk scoring.
public struct FrameObservation: Sendable, Hashable {
    public var timestamp: Double
    /// Faces found (score above the detector threshold).
    public var faceCount: Int
    /// Pose of the main (largest) face, nil when there is none or landmarks failed.
    public var pose: HeadPose?
    public var isDeviation: Bool
    /// Accumulated looking-away time in seconds (see `DeviationTracker`).
    public var deviationDuration: Double
    /// People counted by the object detector, nil before its first run.
    public var personCount: Int?
    /// Forbidden items from the latest object pass (possibly carried from an earlier frame).
    public var forbiddenItems: [ForbiddenItem]
    /// The eyes have stayed outside the calibrated on-screen range (see `OffScreenTracker`).
    public var eyesOffScreen: Bool
    /// Seconds since they left it.
    public var eyesOffScreenDuration: Double
    /// How well the eyes were seen (0...1).
    public var eyesConfidence: Double
    /// The frame's light as the face detector saw it (nil when not measured) and what it means.
    public var light: LightMeasurement?
    public var lightCondition: LightCondition
    /// How clearly the head is turned past the looking-away threshold (`FindingConfidence.lookingAway`).
    public var lookingAwayStrength: Double
    /// The detector's scores for the second face and the second body, when there is one: how sure
    /// "more than one person" is.
    public var secondFaceScore: Double?
    public var secondPersonScore: Double?

    public init(
        timestamp: Double,
        faceCount: Int,
        pose: HeadPose?,
        isDeviation: Bool,
        deviationDuration: Double,
        personCount: Int?,
        forbiddenItems: [ForbiddenItem],
        eyesOffScreen: Bool = false,
        eyesOffScreenDuration: Double = 0,
        eyesConfidence: Double = 0,
        light: LightMeasurement? = nil,
        lightCondition: LightCondition = .good,
        lookingAwayStrength: Double = 1,
        secondFaceScore: Double? = nil,
        secondPersonScore: Double? = nil
    ) {
        self.timestamp = timestamp
        self.faceCount = faceCount
        self.pose = pose
        self.isDeviation = isDeviation
        self.deviationDuration = deviationDuration
        self.personCount = personCount
        self.forbiddenItems = forbiddenItems
        self.eyesOffScreen = eyesOffScreen
        self.eyesOffScreenDuration = eyesOffScreenDuration
        self.eyesConfidence = eyesConfidence
        self.light = light
        self.lightCondition = lightCondition
        self.lookingAwayStrength = lookingAwayStrength
        self.secondFaceScore = secondFaceScore
        self.secondPersonScore = secondPersonScore
    }

    /// Too dark or too noisy for reliable face detection.
    public var isPoorlyLit: Bool { lightCondition == .poor }

    public var faceDetected: Bool { faceCount > 0 }

    /// More than one person in view, by faces or by bodies.
    public var hasMultiplePeople: Bool { faceCount > 1 || (personCount ?? 0) > 1 }

    public var hasForbiddenItem: Bool { !forbiddenItems.isEmpty }

    /// Anything a reviewer might want to look at in this frame.
    public var isSuspicious: Bool { isDeviation || eyesOffScreen || !faceDetected || hasMultiplePeople || hasForbiddenItem }
}

/// A forbidden object seen in a frame.
public struct ForbiddenItem: Sendable, Hashable, Codable {
    /// The forbidden class's name, e.g. "cell_phone".
    public var name: String
    public var confidence: Double
    public var box: BoundingBox

    public init(name: String, confidence: Double, box: BoundingBox) {
        self.name = name
        self.confidence = confidence
        self.box = box
    }
}
