extension ProctorConfiguration {
    /// The configuration with its secrets replaced by `(hidden)`: what `proctor config` prints and
    /// `serve` logs at start, so a secret never reaches a terminal or a log file.
    public var redacted: ProctorConfiguration {
        var copy = self
        if !copy.storage.s3.secretAccessKey.isEmpty { copy.storage.s3.secretAccessKey = "(hidden)" }
        if !copy.auth.metricsToken.isEmpty { copy.auth.metricsToken = "(hidden)" }
        return copy
    }
}
