import Foundation
import Logging
import ProctorCore
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
    /// Recorded sessions and the job queue (the same database as `store` in the embedded set-up).
    public let recordings: any RecordingStore
    public let blobs: any BlobStore
    public let writer: BatchedStoreWriter
    public let evidence: EvidenceStore
    public let registry: LiveSessionRegistry
    public let metrics: ProctorMetrics
    public let logger: Logger

    public init(configuration: ProctorConfiguration, version: String, pool: VisionWorkerPool?, modelError: String?, store: any SessionStore & RecordingStore,
                blobs: any BlobStore, writer: BatchedStoreWriter, evidence: EvidenceStore, registry: LiveSessionRegistry = LiveSessionRegistry(),
                metrics: ProctorMetrics = ProctorMetrics(), logger: Logger) {
        self.configuration = configuration
        self.version = version
        self.pool = pool
        self.modelError = modelError
        self.store = store
        self.recordings = store
        self.blobs = blobs
        self.writer = writer
        self.evidence = evidence
        self.registry = registry
        self.metrics = metrics
        self.logger = logger
    }
}
