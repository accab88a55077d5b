import ProctorRecording
import ServiceLifecycle

/// Runs a recording worker until graceful shutdown; the job in progress finishes first (or, if the
/// process is killed, its lease expires and another worker takes it over).
public struct RecordingWorkerService: Service {
    let worker: RecordingWorker

    public init(worker: RecordingWorker) {
        self.worker = worker
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await worker.run()
        }
    }
}
