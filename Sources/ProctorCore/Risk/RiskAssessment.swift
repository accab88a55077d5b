/// The risk of one frame: a score for ranking, and the findings behind it.
public struct RiskAssessment: Sendable, Hashable {
    public var score: Double
    public var level: AlertLevel
    public var violations: [Violation]
    public var recommendations: [String]

    public init(score: Double, level: AlertLevel, violations: [Violation], recommendations: [String]) {
        self.score = score
        self.level = level
        self.violations = violations
        self.recommendations = recommendations
    }

    /// One finding with the points it added.
    public struct Violation: Sendable, Hashable, Codable {
        public var kind: ViolationKind
        public var points: Double
        public var confidence: Double
        public var message: String

        public init(kind: ViolationKind, points: Double, confidence: Double, message: String) {
            self.kind = kind
            self.points = points
            self.confidence = confidence
            self.message = message
        }
    }
}
