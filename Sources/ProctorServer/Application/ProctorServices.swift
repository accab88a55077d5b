import Foundation
import Logging
import ProctorCore
import ProctorOperations
import ProctorPipeline
import ProctorRecording
import ProctorStore

/// Everything the routes and live sessions share, built once at start-up.
public struct ProctorServices: Sendable {
    public let configuration: ProctorConfiguration
    public let version: String
    /// The CV workers, nil when the models could not be loaded (see `modelError`).
    public let pool: VisionWorkerPool?
    public let modelError: String?
    public let store: any SessionStore
    /// Recorded sessions and the job queue (the same database as `store`).
    public let recordings: any RecordingStore
    /// Findings of every source, and reviewers' decisions on them.
    public let findings: any FindingStore
    public let accounts: any AccountStore
    public let privacy: any PrivacyStore
    /// Live connections across all servers.
    public let livePresence: any LivePresenceStore
    /// The whole store, for parts that need several of its roles at once.
    public let dataStore: any DataStore
    public let blobs: any BlobStore
    public let writer: BatchedStoreWriter
    public let registry: LiveSessionRegistry
    public let metrics: ProctorMetrics
    public let logger: Logger
    let signer: TokenSigner
    let passwords: PasswordHasher
    let limits: Limits

    /// The rate limiters shared by all requests of this server.
    struct Limits: Sendable {
        let requests: RequestLimiter
        let logins: RequestLimiter
        let chunkUploads: RequestLimiter
        /// Client events over HTTP, per session (the live WebSocket counts its own).
        let clientEvents: RequestLimiter
    }

    /// Builds the services; the token signing key is read from (or first stored in) the database, so
    /// every server sharing it accepts the same logins and invitations.
    public static func make(
        configuration: ProctorConfiguration, version: String, pool: VisionWorkerPool?, modelError: String?, store: any DataStore,
        blobs: any BlobStore, writer: BatchedStoreWriter, registry: LiveSessionRegistry = LiveSessionRegistry(),
        metrics: ProctorMetrics = ProctorMetrics(), logger: Logger
    ) async throws -> ProctorServices {
        let key = try await store.setting("token_signing_key", orInsert: TokenSigner.newIdentifier() + TokenSigner.newIdentifier())
        return ProctorServices(
            configuration: configuration, version: version, pool: pool, modelError: modelError, store: store, blobs: blobs,
            writer: writer, registry: registry, metrics: metrics, logger: logger, signer: TokenSigner(hexKey: key))
    }

    init(
        configuration: ProctorConfiguration, version: String, pool: VisionWorkerPool?, modelError: String?, store: any DataStore,
        blobs: any BlobStore, writer: BatchedStoreWriter, registry: LiveSessionRegistry,
        metrics: ProctorMetrics, logger: Logger, signer: TokenSigner
    ) {
        self.configuration = configuration
        self.version = version
        self.pool = pool
        self.modelError = modelError
        self.store = store
        self.recordings = store
        self.findings = store
        self.accounts = store
        self.privacy = store
        self.dataStore = store
        self.livePresence = store
        self.blobs = blobs
        self.writer = writer
        self.registry = registry
        self.metrics = metrics
        self.logger = logger
        self.signer = signer
        self.passwords = PasswordHasher(costLog2: configuration.auth.scryptCostLog2)
        let server = configuration.server
        self.limits = Limits(
            requests: RequestLimiter(limit: server.requestsPerMinute, window: 60),
            logins: RequestLimiter(limit: configuration.auth.loginAttemptsPerMinute, window: 60),
            chunkUploads: RequestLimiter(limit: server.chunkUploadsPerMinute, window: 60),
            clientEvents: RequestLimiter(limit: configuration.browser.eventsPerMinute, window: 60)
        )
    }

    /// The audit log, for the routes.
    var auditor: Auditor { Auditor(accounts: accounts, logger: logger) }
}
