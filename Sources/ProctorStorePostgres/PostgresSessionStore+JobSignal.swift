import Foundation
import Logging
import PostgresNIO
import ProctorStore

extension PostgresSessionStore: JobSignal {
    /// Returns when a `NOTIFY proctor_jobs` arrives (a job was enqueued anywhere), or after
    /// `seconds`: the poll interval still catches leases that expire, which nobody announces.
    public func waitForJobs(upTo seconds: Double) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: .seconds(seconds)) }
            group.addTask { await self.wakeUps.wait() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Holds one pooled connection in LISTEN for the store's lifetime and wakes the waiters on every
    /// notification. When the connection drops it reconnects (backing off while the server is away)
    /// and wakes everyone once, since anything enqueued in between went unheard.
    func listenForJobs() async {
        var delay = Duration.milliseconds(250)
        var connectedBefore = false
        // The pool's run() starts alongside; leasing before it did makes PostgresNIO log a warning.
        try? await Task.sleep(for: .milliseconds(100))
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.jobChannel) { notifications in
                        delay = .milliseconds(250)
                        if connectedBefore { wakeUps.wakeAll() }
                        connectedBefore = true
                        logger.debug("listening on \(Self.jobChannel)")
                        for try await _ in notifications { wakeUps.wakeAll() }
                    }
                }
            } catch let error as PSQLError where error.code == .clientClosedConnection || error.code == .poolClosed {
                // The pool is shutting down (this task is cancelled next); nothing to report.
                logger.debug("job listener stopped with the pool: \(error.code)")
            } catch {
                if Task.isCancelled { break }
                logger.warning("job notifications interrupted, reconnecting in \(delay): \(String(reflecting: error))")
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(30))
        }
    }
}
