/// The last N processed frames of a session, summarised into patterns.
///
/// One glance away is normal; the window is what turns single frames into "keeps looking away" or
/// "a phone keeps showing up". An episode is a run of consecutive frames with the same finding; the
/// number of episodes, not of frames, is what repeats.
public struct BehaviourWindow: Sendable {
    public let capacity: Int
    private var frames: [FrameObservation] = []

    public init(capacity: Int = 30) {
        precondition(capacity > 0, "a behaviour window holds at least one frame")
        self.capacity = capacity
        frames.reserveCapacity(capacity)
    }

    public var count: Int { frames.count }

    public mutating func append(_ observation: FrameObservation) {
        if frames.count == capacity { frames.removeFirst() }
        frames.append(observation)
    }

    public mutating func removeAll() {
        frames.removeAll(keepingCapacity: true)
    }

    public var summary: BehaviourSummary {
        let deviationEpisodes = Self.episodes(in: frames.map(\.isDeviation))
        // Object episodes are counted per class, so a phone then a book is two.
        let itemNames = Set(frames.flatMap { $0.forbiddenItems.map(\.name) })
        let objectEpisodes = itemNames.reduce(0) { total, name in
            total + Self.episodes(in: frames.map { frame in frame.forbiddenItems.contains { $0.name == name } })
        }
        let suspicious = frames.filter(\.isSuspicious).count
        let counted = frames.compactMap(\.personCount)
        let averagePersons = counted.isEmpty ? 0 : Double(counted.reduce(0, +)) / Double(counted.count)
        return BehaviourSummary(
            repeatedDeviations: deviationEpisodes,
            repeatedObjects: objectEpisodes,
            patternScore: frames.isEmpty ? 0 : Double(suspicious) / Double(frames.count),
            averagePersonCount: averagePersons,
            windowFrames: frames.count,
            deviationFrames: frames.filter(\.isDeviation).count,
            objectFrames: frames.filter(\.hasForbiddenItem).count,
            noFaceFrames: frames.filter { !$0.faceDetected }.count,
            multiplePeopleFrames: frames.filter(\.hasMultiplePeople).count
        )
    }

    /// Number of runs of `true` in a sequence.
    static func episodes(in flags: [Bool]) -> Int {
        var count = 0
        var previous = false
        for flag in flags {
            if flag && !previous { count += 1 }
            previous = flag
        }
        return count
    }
}

/// Patterns over the behaviour window.
public struct BehaviourSummary: Sendable, Hashable {
    /// Looking-away episodes in the window.
    public var repeatedDeviations: Int
    /// Forbidden-object episodes in the window, counted per class.
    public var repeatedObjects: Int
    /// Fraction (0...1) of the window's frames with any finding.
    public var patternScore: Double
    public var averagePersonCount: Double
    public var windowFrames: Int
    public var deviationFrames: Int
    public var objectFrames: Int
    public var noFaceFrames: Int
    public var multiplePeopleFrames: Int

    /// Episodes beyond the first of each kind: the "repeated occurrences" that raise the risk.
    public var repeatedOccurrences: Int {
        max(0, repeatedDeviations - 1) + max(0, repeatedObjects - 1)
    }

    /// One sentence for a proctor.
    public var text: String {
        guard windowFrames > 0 else { return "No frames analysed yet" }
        var parts: [String] = []
        if repeatedDeviations > 0 {
            parts.append("\(Self.plural(repeatedDeviations, "looking-away episode")) (\(deviationFrames) frames)")
        }
        if repeatedObjects > 0 {
            parts.append("\(Self.plural(repeatedObjects, "forbidden-object episode")) (\(objectFrames) frames)")
        }
        if noFaceFrames > 0 { parts.append("no face in \(noFaceFrames) frames") }
        if multiplePeopleFrames > 0 { parts.append("several people in \(multiplePeopleFrames) frames") }
        let span = "the last \(Self.plural(windowFrames, "frame"))"
        guard !parts.isEmpty else { return "No suspicious pattern in \(span)" }
        return "In \(span): " + parts.joined(separator: ", ")
    }

    private static func plural(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }
}
