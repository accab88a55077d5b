/// Durations as plain numbers, for timings, rates and reports: one conversion instead of a copy of
/// `components.seconds + components.attoseconds / 1e18` at every place that measures something.
extension Duration {
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    public var inMilliseconds: Double { inSeconds * 1000 }
}

extension ContinuousClock.Instant {
    /// Seconds since this instant.
    public var secondsElapsed: Double { (ContinuousClock.now - self).inSeconds }
    /// Milliseconds since this instant.
    public var millisecondsElapsed: Double { (ContinuousClock.now - self).inMilliseconds }
}
