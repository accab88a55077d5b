import ProctorStore
import ServiceLifecycle

/// Runs the batched writer as a service: on graceful shutdown (SIGTERM) it drains, after the HTTP
/// server, which is listed after it in the service group and so stops first.
public struct StoreWriterService: Service {
    let writer: BatchedStoreWriter

    public init(writer: BatchedStoreWriter) {
        self.writer = writer
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await writer.run()
        } onGracefulShutdown: {
            Task { await writer.drain() }
        }
    }
}
