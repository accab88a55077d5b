/// When a live connection last heard from its client, for the idle timeout.
actor ActivityClock {
    private var last = ContinuousClock.now
    private(set) var isFinished = false

    func touch() {
        last = .now
    }

    func finish() {
        isFinished = true
    }

    var idleSeconds: Double { last.secondsElapsed }
}
