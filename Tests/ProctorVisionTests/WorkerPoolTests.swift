import Foundation
import ProctorPipeline
import ProctorVision
import Testing

@Suite("CV worker pool")
struct WorkerPoolTests {
    /// Stands for a decoded frame a job captured.
    final class Payload: @unchecked Sendable {
        let bytes = [UInt8](repeating: 1, count: 1 << 20)
    }

    @Test("a finished job's closure, and what it captured, is released at once, not kept until the queue compacts")
    func releasesFinishedJobs() async throws {
        let pool = try await pool()
        weak var released: Payload?
        for _ in 0..<8 {
            var payload: Payload? = Payload()
            released = payload
            let captured = payload!
            let count = try await pool.run { _ in captured.bytes.count }
            #expect(count == 1 << 20)
            payload = nil
            _ = payload
        }
        // The worker may still be returning from the last job for a moment.
        for _ in 0..<50 where released != nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(released == nil, "the pool kept a finished job's frame alive")
    }
}
