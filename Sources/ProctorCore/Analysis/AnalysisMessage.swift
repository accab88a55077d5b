import Foundation

/// The per-frame analysis sent to clients and printed by `proctor analyze`.
///
/// Field names are the protocol: they are encoded snake_case (`AnalysisMessage.encoder`) and are never
/// renamed or dropped; new fields may be added. Unknown values are `null`, never absent.
public struct AnalysisMessage: Sendable, Hashable, Codable {
    public var type = "analysis"
    public var sessionId: String
    /// Seconds: the client's frame timestamp live, the position in the file for a video.
    public var timestamp: Double
    public var gaze: GazeReport
    public var objects: ObjectsReport
    public var behavior: BehaviorReport
    public var risk: RiskReport
    public var metadata: FrameMetadata
    /// Every face found, largest first.
    public var faces: [FaceReport]

    public init(
        sessionId: String, timestamp: Double, gaze: GazeReport, objects: ObjectsReport, behavior: BehaviorReport,
        risk: RiskReport, metadata: FrameMetadata, faces: [FaceReport]
    ) {
        self.sessionId = sessionId
        self.timestamp = timestamp
        self.gaze = gaze
        self.objects = objects
        self.behavior = behavior
        self.risk = risk
        self.metadata = metadata
        self.faces = faces
    }

    /// Compact snake_case JSON, keys sorted so that output is stable line to line.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    public func jsonData() throws -> Data { try Self.encoder.encode(self) }
}

public struct GazeReport: Sendable, Hashable, Codable {
    public var faceDetected: Bool
    /// Looking away by the head-pose rule.
    public var deviation: Bool
    /// Degrees; see `HeadPose` for the sign convention. `null` without a face.
    public var yaw: Double?
    public var pitch: Double?
    public var roll: Double?
    /// Accumulated looking-away seconds, decaying once the candidate looks back.
    public var deviationDuration: Double
    public var landmarksCount: Int
    /// Face score times landmark presence, 0 without a face.
    public var confidence: Double
    public var faceCount: Int
    /// Eye gaze from the iris (`deviation` stays the head-pose rule).
    public var eyes: EyeGazeReport

    public init(
        faceDetected: Bool, deviation: Bool, pose: HeadPose?, deviationDuration: Double, landmarksCount: Int, confidence: Double, faceCount: Int,
        eyes: EyeGazeReport = .none
    ) {
        self.faceDetected = faceDetected
        self.deviation = deviation
        self.yaw = pose?.yaw
        self.pitch = pose?.pitch
        self.roll = pose?.roll
        self.deviationDuration = deviationDuration
        self.landmarksCount = landmarksCount
        self.confidence = confidence
        self.faceCount = faceCount
        self.eyes = eyes
    }

    enum CodingKeys: String, CodingKey {
        case faceDetected, deviation, yaw, pitch, roll, deviationDuration, landmarksCount, confidence, faceCount, eyes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        faceDetected = try container.decode(Bool.self, forKey: .faceDetected)
        deviation = try container.decode(Bool.self, forKey: .deviation)
        yaw = try container.decodeIfPresent(Double.self, forKey: .yaw)
        pitch = try container.decodeIfPresent(Double.self, forKey: .pitch)
        roll = try container.decodeIfPresent(Double.self, forKey: .roll)
        deviationDuration = try container.decode(Double.self, forKey: .deviationDuration)
        landmarksCount = try container.decode(Int.self, forKey: .landmarksCount)
        confidence = try container.decode(Double.self, forKey: .confidence)
        faceCount = try container.decode(Int.self, forKey: .faceCount)
        // Messages from before eye gaze have no `eyes`.
        eyes = try container.decodeIfPresent(EyeGazeReport.self, forKey: .eyes) ?? .none
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(faceDetected, forKey: .faceDetected)
        try container.encode(deviation, forKey: .deviation)
        try container.encode(yaw, forKey: .yaw)
        try container.encode(pitch, forKey: .pitch)
        try container.encode(roll, forKey: .roll)
        try container.encode(deviationDuration, forKey: .deviationDuration)
        try container.encode(landmarksCount, forKey: .landmarksCount)
        try container.encode(confidence, forKey: .confidence)
        try container.encode(faceCount, forKey: .faceCount)
        try container.encode(eyes, forKey: .eyes)
    }
}

public struct DetectionReport: Sendable, Hashable, Codable {
    /// Class name as the detector calls it, e.g. "cell phone".
    public var `class`: String
    public var classId: Int
    public var confidence: Double
    /// [x, y, width, height] in full-frame pixels.
    public var bbox: [Double]

    public init(_ detection: ObjectDetection) {
        self.class = detection.label
        self.classId = detection.classId
        self.confidence = detection.confidence
        self.bbox = [detection.box.x, detection.box.y, detection.box.width, detection.box.height]
    }
}

public struct ObjectsReport: Sendable, Hashable, Codable {
    /// `null` before the first object pass of a stream.
    public var personCount: Int?
    public var forbiddenItems: [ForbiddenItemReport]
    public var allDetections: [DetectionReport]
    /// Highest confidence among the detections, 0 when there are none.
    public var confidence: Double
    /// True when object detection ran on this very frame; false when the result is carried.
    public var fresh: Bool
    /// Seconds since the result was computed; `null` before the first pass.
    public var ageSeconds: Double?

    public init(
        personCount: Int?, forbiddenItems: [ForbiddenItemReport], allDetections: [DetectionReport], confidence: Double, fresh: Bool, ageSeconds: Double?
    ) {
        self.personCount = personCount
        self.forbiddenItems = forbiddenItems
        self.allDetections = allDetections
        self.confidence = confidence
        self.fresh = fresh
        self.ageSeconds = ageSeconds
    }

    enum CodingKeys: String, CodingKey {
        case personCount, forbiddenItems, allDetections, confidence, fresh, ageSeconds
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(personCount, forKey: .personCount)
        try container.encode(forbiddenItems, forKey: .forbiddenItems)
        try container.encode(allDetections, forKey: .allDetections)
        try container.encode(confidence, forKey: .confidence)
        try container.encode(fresh, forKey: .fresh)
        try container.encode(ageSeconds, forKey: .ageSeconds)
    }
}

public struct ForbiddenItemReport: Sendable, Hashable, Codable {
    /// The forbidden class's name, e.g. "cell_phone".
    public var item: String
    public var confidence: Double
    public var bbox: [Double]

    public init(_ item: ForbiddenItem) {
        self.item = item.name
        self.confidence = item.confidence
        self.bbox = [item.box.x, item.box.y, item.box.width, item.box.height]
    }
}

public struct BehaviorReport: Sendable, Hashable, Codable {
    public var repeatedDeviations: Int
    public var repeatedObjects: Int
    public var patternScore: Double
    public var avgPersonCount: Double
    public var analysisSummary: String
    public var windowFrames: Int

    public init(_ summary: BehaviourSummary) {
        repeatedDeviations = summary.repeatedDeviations
        repeatedObjects = summary.repeatedObjects
        patternScore = summary.patternScore
        avgPersonCount = summary.averagePersonCount
        analysisSummary = summary.text
        windowFrames = summary.windowFrames
    }
}

public struct RiskReport: Sendable, Hashable, Codable {
    public var riskScore: Double
    public var violationCount: Int
    /// One sentence per violation.
    public var violations: [String]
    public var alertLevel: AlertLevel
    public var recommendations: [String]
    public var details: Details

    public struct Details: Sendable, Hashable, Codable {
        /// Each violation with its kind, points and confidence.
        public var violations: [RiskAssessment.Violation]
        /// Points by violation kind.
        public var components: [String: Double]
    }

    public init(_ assessment: RiskAssessment) {
        riskScore = assessment.score
        violationCount = assessment.violations.count
        violations = assessment.violations.map(\.message)
        alertLevel = assessment.level
        recommendations = assessment.recommendations
        details = Details(
            violations: assessment.violations,
            components: assessment.violations.reduce(into: [:]) { $0[$1.kind.rawValue, default: 0] += $1.points }
        )
    }
}

public struct FaceReport: Sendable, Hashable, Codable {
    public var bbox: [Double]
    public var score: Double
    /// YuNet's five points: right eye, left eye, nose tip, right and left mouth corners (subject's sides).
    public var keypoints: [[Double]]

    public init(box: BoundingBox, score: Double, keypoints: [Point2]) {
        self.bbox = [box.x, box.y, box.width, box.height]
        self.score = score
        self.keypoints = keypoints.map { [$0.x, $0.y] }
    }
}
