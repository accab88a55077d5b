import ProctorStore

/// The embedded store has nothing to listen to: idle workers poll.
extension SQLiteSessionStore: JobSignal {
    public func waitForJobs(upTo seconds: Double) async {
        await PollingJobSignal().waitForJobs(upTo: seconds)
    }
}
