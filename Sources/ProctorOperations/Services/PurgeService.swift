import Foundation
import Logging
import ServiceLifecycle

/// Runs the retention purge every `privacy.purge_interval_minutes` until graceful shutdown. Several
/// processes may run it: deleting a file twice or marking a session purged twice is harmless.
public struct PurgeService: Service {
    let purger: RetentionPurger
    let interval: Double

    public init(purger: RetentionPurger, intervalMinutes: Double) {
        self.purger = purger
        self.interval = max(1, intervalMinutes * 60)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await purger.runOnce()
                } catch {
                    purger.logger.error("retention purge failed: \(error)")
                }
                try? await Task.sleep(for: .seconds(interval))
            }
        }
    }
}
