import Foundation

/// How an idle worker waits for new jobs. The embedded store has nothing to listen to, so it just
/// sleeps for the poll interval; PostgreSQL wakes workers with LISTEN/NOTIFY as soon as a job is
/// enqueued (and the poll interval remains the fallback for leases that expire).
public protocol JobSignal: Sendable {
    /// Returns when a job may be available, or after `seconds` at the latest.
    func waitForJobs(upTo seconds: Double) async
}

/// Waiting without a signal: sleeps the whole interval.
public struct PollingJobSignal: JobSignal {
    public init() {}

    public func waitForJobs(upTo seconds: Double) async {
        try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
    }
}

/// Everything the server and workers keep: one backend implements all of it.
public typealias DataStore = SessionStore & RecordingStore & FindingStore & AccountStore & PrivacyStore & LivePresenceStore & JobSignal & KeyStore
