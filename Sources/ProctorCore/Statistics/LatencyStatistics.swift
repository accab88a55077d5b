/// Percentiles of a set of measurements (nearest-rank), for benchmarks and load tests.
public struct LatencyStatistics: Sendable, Hashable, Codable {
    public var count: Int
    public var mean: Double
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var max: Double

    public init(_ samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
        p50 = Self.percentile(0.50, of: sorted)
        p95 = Self.percentile(0.95, of: sorted)
        p99 = Self.percentile(0.99, of: sorted)
        max = sorted.last ?? 0
    }

    /// Nearest-rank percentile of sorted samples; 0 for none.
    public static func percentile(_ fraction: Double, of sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }
}
