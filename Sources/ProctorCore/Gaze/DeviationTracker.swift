import Foundation

/// Accumulates how long the candidate has been looking away, forgiving it gradually.
///
/// While the candidate looks away the duration grows with elapsed time; once they look back it
/// decays exponentially (half-life from the configuration) instead of snapping to zero, so that
/// quick glances back and forth still add up to a long deviation.
public struct DeviationTracker: Sendable {
    public let configuration: GazeConfiguration
    public private(set) var duration: Double = 0
    private var lastTimestamp: Double?
    private var lastWasDeviation = false

    public init(configuration: GazeConfiguration) {
        self.configuration = configuration
    }

    /// Records the state at `timestamp` and returns the accumulated deviation in seconds.
    @discardableResult
    public mutating func update(isDeviation: Bool, at timestamp: Double) -> Double {
        let step = lastTimestamp.map { min(max(0, timestamp - $0), configuration.maximumStep) } ?? 0
        // The interval since the last frame is attributed to the state seen then.
        if lastWasDeviation {
            duration += step
        } else if step > 0, configuration.deviationHalfLife > 0 {
            duration *= pow(0.5, step / configuration.deviationHalfLife)
            if duration < 0.01 { duration = 0 }
        }
        lastTimestamp = timestamp
        lastWasDeviation = isDeviation
        return duration
    }
}
