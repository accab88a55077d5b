/// "Eyes off screen" with hysteresis in time and in extent.
///
/// The state turns off-screen only once the gaze has stayed outside the range for
/// `offScreenSeconds`, and back on-screen only once it has stayed inside `returnFraction` of the
/// range for `onScreenSeconds`. Frames without a reading (blinks, eyes not found) neither start nor
/// end anything; after `maximumGap` seconds without any reading the state resets to on screen.
public struct OffScreenTracker: Sendable {
    public let enterSeconds: Double
    public let leaveSeconds: Double
    public let returnFraction: Double
    public let maximumGap: Double

    public private(set) var isOffScreen = false
    private var outsideSince: Double?
    private var insideSince: Double?
    private var lastReading: Double?

    public init(enterSeconds: Double, leaveSeconds: Double, returnFraction: Double, maximumGap: Double) {
        self.enterSeconds = enterSeconds
        self.leaveSeconds = leaveSeconds
        self.returnFraction = returnFraction
        self.maximumGap = maximumGap
    }

    public init(configuration: EyeGazeConfiguration) {
        self.init(
            enterSeconds: configuration.offScreenSeconds, leaveSeconds: configuration.onScreenSeconds,
            returnFraction: configuration.returnFraction, maximumGap: configuration.maximumGap)
    }

    /// The state after a frame at `timestamp` whose gaze is `extent` (see `GazeRange.extent`: above
    /// 1 is outside), or nil when the frame has no reading. Returns whether the eyes are off screen
    /// and for how long (seconds since they left the range; 0 on screen).
    @discardableResult
    public mutating func update(extent: Double?, at timestamp: Double) -> (offScreen: Bool, duration: Double) {
        if let last = lastReading, timestamp < last {
            reset()  // time went backwards: a new stream
        }
        guard let extent else {
            if let last = lastReading, timestamp - last > maximumGap { reset() }
            return (isOffScreen, duration(at: timestamp))
        }
        lastReading = timestamp
        let outside = isOffScreen ? extent > returnFraction : extent > 1
        if outside {
            insideSince = nil
            if outsideSince == nil { outsideSince = timestamp }
            if !isOffScreen, let since = outsideSince, timestamp - since >= enterSeconds - 1e-9 { isOffScreen = true }
        } else {
            if insideSince == nil { insideSince = timestamp }
            if isOffScreen {
                if let since = insideSince, timestamp - since >= leaveSeconds - 1e-9 {
                    isOffScreen = false
                    outsideSince = nil
                }
            } else {
                outsideSince = nil
            }
        }
        return (isOffScreen, duration(at: timestamp))
    }

    private func duration(at timestamp: Double) -> Double {
        guard isOffScreen, let since = outsideSince else { return 0 }
        return max(0, timestamp - since)
    }

    private mutating func reset() {
        isOffScreen = false
        outsideSince = nil
        insideSince = nil
        lastReading = nil
    }
}
