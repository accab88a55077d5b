import Foundation
import Logging
import ProctorCore
import ProctorPipeline
import ProctorVision

/// Starts the CV worker pool for a command, with the models the configuration names.
enum VisionRuntime {
    /// - Parameter manySessions: the caller serves many sessions at once (the server): with
    ///   `opencv_threads` on automatic, each OpenCV call then stays on one thread, which measured
    ///   more sessions per machine; a single analysis uses every core inside each call instead.
    static func startPool(_ configuration: ProctorConfiguration, workers: Int? = nil, manySessions: Bool = false) async throws -> VisionWorkerPool {
        let directory = ModelDirectory.resolve(configuration.models.directory)
        let pipeline = configuration.pipeline
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let count = workers ?? (configuration.vision.workers > 0 ? configuration.vision.workers : cores)
        let openCVThreads = configuration.vision.opencvThreads > 0 ? configuration.vision.opencvThreads : (manySessions ? 1 : cores)
        let inferenceThreads = configuration.vision.inferenceThreads > 0 ? configuration.vision.inferenceThreads : 1
        var logger = Logger(label: "proctor.vision")
        logger.logLevel = manySessions ? .info : .warning
        let library = ModelDirectory.locate(configuration.vision.onnxruntimeLibrary).path
        let (engine, note) = try InferenceEngineSelection.select(configuration.vision.engine, libraryPath: library, intraOpThreads: inferenceThreads)
        if let note { logger.warning("\(note)") }
        logger.info("inference engine \(engine.name)", metadata: ["threads_per_run": "\(inferenceThreads)"])
        return try await VisionWorkerPool.start(size: count, openCVThreads: openCVThreads, logger: logger) { () throws(VisionError) in
            try VisionModels(configuration: pipeline, directory: directory, engine: engine)
        }
    }

    /// Silero VAD for the chunks' sound, on ONNX Runtime (its recurrent graph does not run on OpenCV
    /// DNN); nil with the reason when audio analysis is off or the model or the library is missing.
    static func voiceActivity(_ configuration: ProctorConfiguration) -> (detector: VoiceActivityDetector?, note: String?) {
        guard configuration.audio.enabled else { return (nil, "audio analysis is switched off (audio.enabled)") }
        let library = ModelDirectory.locate(configuration.vision.onnxruntimeLibrary).path
        do {
            let engine = try OnnxRuntimeInferenceEngine(libraryPath: library, intraOpThreads: 1)
            let path = try ModelDirectory.resolve(configuration.models.directory).path(for: configuration.audio.model)
            return (VoiceActivityDetector(modelPath: path, engine: engine), nil)
        } catch {
            return (nil, "speech is not analysed: \(error.message) (scripts/setup.sh installs ONNX Runtime and \(configuration.audio.model))")
        }
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Prints a value as pretty, sorted, snake_case JSON (the `--json` output of the benchmarks).
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
