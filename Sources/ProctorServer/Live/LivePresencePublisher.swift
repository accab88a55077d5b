import Foundation
import Logging
import ProctorRecording
import ProctorStore
import ServiceLifecycle

/// Publishes this server's live sessions to the shared store every second, with their latest
/// snapshot in the shared blob store, so that the live grid of a dashboard on any server shows
/// every connected candidate. Sessions that left are withdrawn on the next tick.
public actor LivePresencePublisher: Service {
    let services: ProctorServices
    let server: String
    let interval: Duration
    private var published: [String: (connection: String, snapshotVersion: Int)] = [:]

    public init(services: ProctorServices, server: String, interval: Duration = .seconds(1)) {
        self.services = services
        self.server = server
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.publishOnce()
                } catch {
                    self.services.logger.warning("live presence not published: \(error)")
                }
                try? await Task.sleep(for: self.interval)
            }
        }
        // Leaving: withdraw everything this server published.
        for (session, state) in published {
            try? await services.livePresence.removePresence(sessionId: session, connection: state.connection)
        }
    }

    /// One tick: new snapshots to the blob store, then every current session's record; sessions gone
    /// since the last tick are removed with their snapshot.
    func publishOnce(now: Date = Date()) async throws {
        let entries = await services.registry.all
        var records: [LivePresenceRecord] = []
        var current: [String: (connection: String, snapshotVersion: Int)] = [:]
        for entry in entries {
            let connection = entry.connection.uuidString
            var version = published[entry.sessionId].flatMap { $0.connection == connection ? $0.snapshotVersion : nil } ?? 0
            if entry.snapshotVersion > version, let snapshot = await services.registry.snapshot(sessionId: entry.sessionId) {
                try await services.blobs.write(BlobKeys.liveSnapshot(entry.sessionId), data: Data(snapshot.bytes))
                version = entry.snapshotVersion
            }
            current[entry.sessionId] = (connection, version)
            records.append(
                LivePresenceRecord(
                    sessionId: entry.sessionId, serverSessionId: entry.serverSessionId, connection: connection, server: server,
                    connectedAt: entry.connectedAt, updatedAt: now, framesReceived: entry.framesReceived, framesProcessed: entry.framesProcessed,
                    framesDropped: entry.framesDropped, riskScore: entry.lastRiskScore, alertLevel: entry.lastAlertLevel.rawValue,
                    lastViolation: entry.lastViolation, lastViolationAt: entry.lastViolationAt, snapshotVersion: version
                ))
        }
        try await services.livePresence.publishPresence(records)
        for (session, state) in published where current[session]?.connection != state.connection {
            try await services.livePresence.removePresence(sessionId: session, connection: state.connection)
            if current[session] == nil { try? await services.blobs.delete(BlobKeys.liveSnapshot(session)) }
        }
        published = current
    }
}
