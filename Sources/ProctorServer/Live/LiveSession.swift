import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import ProctorCore
import ProctorPipeline
import ProctorStore
import ProctorVision

/// One candidate's WebSocket connection: reads messages, analyses the newest frame, replies, and
/// records what it found.
///
/// Two tasks share the connection. The reader validates every message and answers bad ones at
/// once; frames go to a one-slot mailbox. The processor takes the newest frame, runs the pipeline
/// on the CV pool, and sends the analysis, so a slow frame never blocks reading and a backlog never
/// builds up. Analyses of one session leave in order.
struct LiveSession {
    let sessionId: String
    let services: ProctorServices
    var logger: Logger
    /// Identifies this connection among reconnections of the same session.
    let connection = UUID()

    init(sessionId: String, services: ProctorServices) {
        self.sessionId = sessionId
        self.services = services
        var logger = services.logger
        logger[metadataKey: "session_id"] = .string(sessionId)
        self.logger = logger
    }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let server = services.configuration.server
        // The id and the models were checked before the upgrade (ProctorApplication); this is the backstop.
        guard SessionIdentifier.isValid(sessionId, maximumLength: server.maxSessionIdLength) else {
            await refuse(outbound, ClientMessageError(.invalidSessionId, "invalid session id"))
            return
        }
        guard let pool = services.pool else {
            await refuse(outbound, ClientMessageError(.modelsUnavailable, "analysis is unavailable: \(services.modelError ?? "models not loaded")"))
            return
        }
        let record: SessionRecord
        do {
            record = try await services.store.openSession(externalId: sessionId, at: Date(), metadata: [:])
        } catch {
            logger.error("cannot open session: \(error)")
            await refuse(outbound, ClientMessageError(.internalError, "the session could not be started"))
            return
        }
        let accommodation = await accommodation(serverSessionId: record.id)
        // The calibration step's (or an earlier connection's automatic) gaze centre: a reconnect is not a recalibration.
        let calibration = await gazeCalibration(serverSessionId: record.id)
        let previousConnection = await services.registry.add(
            sessionId: sessionId, serverSessionId: record.id, connection: connection,
            close: {
                try? await outbound.close(.goingAway, reason: "replaced by a new connection")
            })
        if let previous = previousConnection {
            logger.info("replacing the session's previous connection")
            await previous()
        }
        services.metrics.activeSessions.record(await services.registry.count)
        logger.info("session connected")
        await milestone(.liveConnected, serverSessionId: record.id, details: MilestoneDetails(replacedConnection: previousConnection != nil))
        try? await outbound.write(
            .text(
                ServerMessage.welcome(
                    sessionId: sessionId, serverSessionId: record.id, version: services.version,
                    configuration: server, pipeline: services.configuration.pipeline)))

        let mailbox = FrameMailbox()
        let activity = ActivityClock()
        let ended = await withTaskGroup(of: SessionStatistics?.self) { group in
            group.addTask { [logger] in
                // Closes a connection that has gone quiet (no frame, no ping) for too long.
                let limit = server.liveIdleSeconds
                while await !activity.isFinished {
                    // Short naps: the session's end must not wait for the watchdog to wake up.
                    try? await Task.sleep(for: .milliseconds(500))
                    if await activity.idleSeconds > limit {
                        logger.info("closing idle live connection after \(Int(limit)) s without messages")
                        try? await outbound.close(.goingAway, reason: "idle")
                        break
                    }
                }
                return nil
            }
            group.addTask { [sessionId, services, logger, connection] in
                var processor = LiveFrameProcessor(
                    sessionId: sessionId, serverSessionId: record.id, connection: connection, services: services, pool: pool,
                    accommodation: accommodation, calibration: calibration, logger: logger)
                await processor.run(mailbox: mailbox, outbound: outbound)
                return processor.statistics
            }
            let ended = await read(inbound: inbound, outbound: outbound, mailbox: mailbox, activity: activity, session: record)
            await mailbox.close()
            await activity.finish()
            var statistics = SessionStatistics()
            for await result in group { if let result { statistics = result } }
            if ended {
                try? await outbound.write(.text(ServerMessage.ended(sessionId: sessionId, statistics: statistics)))
                try? await outbound.close(.normalClosure, reason: "session ended")
            }
            return ended
        }
        // A connection replaced by a newer one leaves the session's state to it.
        if await services.registry.remove(sessionId: sessionId, connection: connection) {
            await services.writer.enqueue(.sessionEnded(sessionId: record.id, at: Date(), status: ended ? .completed : .disconnected))
            await milestone(.liveDisconnected, serverSessionId: record.id, details: MilestoneDetails(endedByClient: ended))
            logger.info("session \(ended ? "ended" : "disconnected")")
        } else {
            logger.info("connection replaced")
        }
        services.metrics.activeSessions.record(await services.registry.count)
    }

    /// Reads until the client ends the session (true), disconnects or is closed for abuse (false).
    private func read(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, mailbox: FrameMailbox, activity: ActivityClock,
        session: SessionRecord
    ) async -> Bool {
        let server = services.configuration.server
        var rate = SlidingWindowLimiter(limit: Int(server.maxClientFps.rounded(.up)), window: 1)
        var errors = SlidingWindowLimiter(limit: server.maxErrors, window: server.errorWindowSeconds)
        var events = SlidingWindowLimiter(limit: services.configuration.browser.eventsPerMinute, window: 60)
        let recorder = ClientEventRecorder(services: services)
        let connected = ContinuousClock.now
        do {
            // The message limit sits above the frame limit so that an oversized frame gets a clear error.
            for try await message in inbound.messages(maxSize: Self.webSocketMessageLimit(server)) {
                let now = connected.secondsElapsed
                await activity.touch()
                let parsed: Result<ClientMessage, ClientMessageError> =
                    switch message {
                    case .text(let text): ClientMessage.parse(text: text, maxFrameBytes: server.maxFrameBytes)
                    case .binary(var buffer):
                        ClientMessage.parse(binary: buffer.readBytes(length: buffer.readableBytes) ?? [], maxFrameBytes: server.maxFrameBytes)
                    }
                var failure: ClientMessageError?
                var failedEvent: String?
                switch parsed {
                case .failure(let error):
                    failure = error
                    failedEvent = error.id
                case .success(.ping):
                    try await outbound.write(.text(ServerMessage.pong()))
                case .success(.end):
                    return true
                case .success(.clientEvent(let event)):
                    guard events.allow(at: now) else {
                        failure = ClientMessageError(
                            .rateLimited, "more than \(services.configuration.browser.eventsPerMinute) client events a minute; send it again later")
                        failedEvent = event.id
                        break
                    }
                    do {
                        let outcome = try await recorder.record(event, sessionId: session.id, sessionStart: session.startedAt)
                        if case .stored(let kind?, false) = outcome {
                            await services.registry.update(sessionId: sessionId, connection: connection) { entry in
                                entry.lastViolation = kind.rawValue
                                entry.lastViolationAt = Date()
                            }
                        }
                        let notice: String? = if case .stored(_?, false) = outcome { ClientEventRules.notice(event) } else { nil }
                        try await outbound.write(.text(ServerMessage.clientEventAck(id: event.id, notice: notice)))
                    } catch let problem as ClientEventRules.Problem {
                        failure = ClientMessageError(.invalidField, problem.message)
                        failedEvent = event.id
                    } catch {
                        logger.error("cannot store client event: \(error)")
                        failure = ClientMessageError(.internalError, "the event could not be stored; send it again")
                    }
                case .success(.frame(let bytes, let timestamp)):
                    services.metrics.framesReceived.increment()
                    await services.registry.update(sessionId: sessionId, connection: connection) { $0.framesReceived += 1 }
                    if !rate.allow(at: now) {
                        failure = ClientMessageError(.rateLimited, "more than \(server.maxClientFps) frames per second; slow down")
                    } else if let refusal = Self.screen(bytes, maximumPixels: services.configuration.pipeline.maximumImagePixels) {
                        failure = refusal
                    } else {
                        await mailbox.put(FrameMailbox.Frame(bytes: bytes, timestamp: timestamp ?? now))
                        await services.registry.offerSnapshot(sessionId: sessionId, connection: connection, bytes: bytes, at: Date(), interval: 2)
                    }
                }
                if let failure {
                    services.metrics.error(failure.code)
                    try await outbound.write(.text(ServerMessage.error(failure, id: failedEvent)))
                    if !errors.allow(at: now) {
                        logger.warning("closing session after \(server.maxErrors) bad messages in \(server.errorWindowSeconds) s")
                        try await outbound.close(.policyViolation, reason: "too many invalid messages")
                        return false
                    }
                }
            }
        } catch {
            logger.debug("connection ended: \(error)")
        }
        return false
    }

    /// The error for a frame that can be refused from its header alone (not an image, too many
    /// pixels, cut off), answered before the mailbox so it never replaces a good waiting frame.
    static func screen(_ bytes: [UInt8], maximumPixels: Int) -> ClientMessageError? {
        do throws(VisionError) {
            try ImageHeader.screen(bytes, maximumPixels: maximumPixels)
            return nil
        } catch {
            return ClientMessageError(frame: error)
        }
    }

    /// The candidate's accommodation profile, for a recorded session whose candidate has one.
    private func accommodation(serverSessionId: String) async -> Accommodation? {
        guard let recording = try? await services.recordings.recording(sessionId: serverSessionId) else { return nil }
        return try? await services.accounts.accommodation(candidateId: recording.candidateId, examId: recording.examId)
    }

    private func gazeCalibration(serverSessionId: String) async -> GazeCalibration? {
        do {
            return try await services.recordings.gazeCalibration(sessionId: serverSessionId)?.calibration
        } catch {
            logger.warning("cannot read the gaze calibration: \(error)")
            return nil
        }
    }

    /// Records a connection milestone for the review timeline; a failure is logged, never fatal.
    private func milestone(_ kind: MilestoneRecord.Kind, serverSessionId: String, details: MilestoneDetails) async {
        do {
            try await services.recordings.addMilestone(MilestoneRecord(sessionId: serverSessionId, kind: kind, at: Date(), details: details))
        } catch {
            logger.warning("cannot record milestone \(kind.rawValue): \(error)")
        }
    }

    private func refuse(_ outbound: WebSocketOutboundWriter, _ error: ClientMessageError) async {
        services.metrics.error(error.code)
        try? await outbound.write(.text(ServerMessage.error(error)))
        try? await outbound.close(.policyViolation, reason: error.code.rawValue)
    }

    /// The WebSocket's own frame and message limit: a base64 frame of the maximum size plus room for
    /// JSON, doubled, so that moderately oversized frames are answered instead of cutting the connection.
    static func webSocketMessageLimit(_ server: ServerConfiguration) -> Int {
        (server.maxFrameBytes / 3 * 4 + 64 * 1024) * 2
    }
}
