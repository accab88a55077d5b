import Foundation

/// How many of a group's faces were found, with the 95 % Wilson score interval of the rate.
public struct DetectionRate: Sendable, Hashable, Codable {
    public var found: Int
    public var total: Int

    public init(found: Int, total: Int) {
        self.found = found
        self.total = total
    }

    public var rate: Double { total == 0 ? 0 : Double(found) / Double(total) }

    /// The Wilson score interval at z (1.96 for 95 %): unlike the normal approximation it stays inside
    /// 0...1 and is honest near 0 and 1, where a group of 60 with no miss still has a lower bound of 0.94.
    public func wilsonInterval(z: Double = 1.96) -> ClosedRange<Double> {
        guard total > 0 else { return 0...1 }
        let n = Double(total)
        let p = rate
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * sqrt(p * (1 - p) / n + z2 / (4 * n * n))
        return max(0, centre - half)...min(1, centre + half)
    }
}

/// One labelled face of the fairness set and whether the detector found it at one light level.
public struct FairnessObservation: Sendable, Hashable, Codable {
    public var file: String
    public var race: String
    public var gender: String
    /// FairFace's age bucket ("0-2", "3-9", "10-19", …).
    public var age: String
    public var found: Bool
    /// Faces reported away from the labelled face (another face in the crop, or a false one).
    public var otherFaces: Int

    public init(file: String, race: String, gender: String, age: String, found: Bool, otherFaces: Int = 0) {
        self.file = file
        self.race = race
        self.gender = gender
        self.age = age
        self.found = found
        self.otherFaces = otherFaces
    }

    /// FairFace's two youngest buckets.
    public var isChild: Bool { age == "0-2" || age == "3-9" }
}

/// Detection rates by group at one light level: by race, by race × gender, each with and without children.
public struct FairnessTable: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var group: String
        public var all: DetectionRate
        public var withoutChildren: DetectionRate
    }

    public var byRace: [Row]
    public var byRaceAndGender: [Row]
    public var overall: DetectionRate
    public var otherFaces: Int

    public init(_ observations: [FairnessObservation]) {
        func rows(_ key: (FairnessObservation) -> String) -> [Row] {
            Dictionary(grouping: observations, by: key).map { group, members in
                let adults = members.filter { !$0.isChild }
                return Row(
                    group: group, all: DetectionRate(found: members.filter(\.found).count, total: members.count),
                    withoutChildren: DetectionRate(found: adults.filter(\.found).count, total: adults.count))
            }
            .sorted { $0.group < $1.group }
        }
        byRace = rows(\.race)
        byRaceAndGender = rows { "\($0.race) \($0.gender)" }
        overall = DetectionRate(found: observations.filter(\.found).count, total: observations.count)
        otherFaces = observations.reduce(0) { $0 + $1.otherFaces }
    }

    /// The race group with the lowest and the highest rate (all ages).
    public var lowest: Row? { byRace.min { $0.all.rate < $1.all.rate } }
    public var highest: Row? { byRace.max { $0.all.rate < $1.all.rate } }

    /// Highest minus lowest race group's rate, in points (0...100).
    public var gap: Double { ((highest?.all.rate ?? 0) - (lowest?.all.rate ?? 0)) * 100 }
}
