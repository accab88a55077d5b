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
    /// Data keys, live tickets and the signing generation.
    public let keys: any KeyStore
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

    /// Builds the services; the token signing key is derived from the master key (`keyring`) and the
    /// signing generation in the database, so every server holding the master key accepts the same
    /// logins and invitations, and the database alone signs nothing.
    public static func make(
        configuration: ProctorConfiguration, version: String, pool: VisionWorkerPool?, modelError: String?, store: any DataStore,
        blobs: any BlobStore, keyring: MasterKeyring, writer: BatchedStoreWriter, registry: LiveSessionRegistry = LiveSessionRegistry(),
        metrics: ProctorMetrics = ProctorMetrics(), logger: Logger
    ) async throws -> ProctorServices {
        // Earlier versions kept the signing key itself in `settings`: it signs nothing any more, and
        // a copy of the database must not carry it.
        if let legacy = try await store.setting("token_signing_key"), !legacy.isEmpty {
            try await store.saveSetting("token_signing_key", value: "")
            logger.notice("removed the token signing key from the database (it is now derived from the master key); earlier logins must log in again")
        }
        let generation = Int(try await store.setting(KeyRotation.generationSetting) ?? "0") ?? 0
        let rotatedAt = try await store.setting(KeyRotation.rotatedAtSetting).flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
        let signer = TokenSigner(keyring: keyring, generation: generation, rotatedAt: rotatedAt, grace: configuration.auth.signingKeyGraceHours * 3600)
        return ProctorServices(
            configuration: configuration, version: version, pool: pool, modelError: modelError, store: store, blobs: blobs,
            writer: writer, registry: registry, metrics: metrics, logger: logger, signer: signer)
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
        self.keys = store
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
