import Foundation
import ProctorCore
import ProctorPipeline
import ProctorVision

/// Where the checkout, its models and the shared test data are.
enum TestEnvironment {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let models = ModelDirectory(url: checkout.appendingPathComponent("models"))

    static let testData: URL = {
        if let configured = ProcessInfo.processInfo.environment["PROCTOR_TESTDATA"] { return URL(fileURLWithPath: configured) }
        return checkout.appendingPathComponent("../shared/testdata").standardizedFileURL
    }()

    static func file(_ relative: String) -> URL { testData.appendingPathComponent(relative) }

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: file(relative)))
    }

    /// The `proctor` executable built next to the tests.
    static var executable: URL {
        let build = Bundle.main.bundleURL  // .build/<triple>/debug
        let candidates = [
            build.appendingPathComponent("proctor"), build.deletingLastPathComponent().appendingPathComponent("proctor"),
            checkout.appendingPathComponent(".build/debug/proctor"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }
}

/// One CV worker pool for the whole test run: loading models per test would dominate the run time.
let sharedPool = Task { () throws -> VisionWorkerPool in
    let configuration = PipelineConfiguration()
    let directory = TestEnvironment.models
    return try await VisionWorkerPool.start(size: 2, openCVThreads: 1) { () throws(VisionError) in
        try VisionModels(configuration: configuration, directory: directory)
    }
}

func pool() async throws -> VisionWorkerPool {
    try await sharedPool.value
}

/// Analyses one still image with the default pipeline (sampling off).
func analyseImage(_ relative: String, configuration: PipelineConfiguration = PipelineConfiguration()) async throws -> FrameOutcome {
    var still = configuration
    still.sampling.enabled = false
    var pipeline = DetectionPipeline(sessionId: relative, configuration: still, pool: try await pool())
    return try await pipeline.process(encodedFrame: try TestEnvironment.bytes(relative), timestamp: 0)
}
