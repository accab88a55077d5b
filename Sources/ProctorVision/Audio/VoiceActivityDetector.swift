import Foundation
import ProctorCore

/// Silero VAD on ONNX Runtime: the probability of speech in each 32 ms window of 16 kHz mono audio.
///
/// The model is recurrent: each window is fed with the 64 samples before it (its context) and the
/// state the previous window left, and both are carried across windows and across the chunks of one
/// session (`VoiceActivityState`). One ONNX Runtime session serves every caller at once: each run's
/// outputs are its own, and the recurrent state travels in the caller's `VoiceActivityState`.
public final class VoiceActivityDetector: Sendable {
    public static let sampleRate = 16_000
    /// Samples per window at 16 kHz (the model accepts only this size).
    public static let windowSamples = 512
    public static let contextSamples = 64
    public static let stateCount = 2 * 1 * 128

    /// Opened by the first chunk with sound: an idle server would otherwise hold the session's 16.9 MB
    /// (`DeferredOnnxRuntimeModel`).
    private let model: DeferredOnnxRuntimeModel
    public var path: String { model.path }

    /// The model at `modelPath`, opened when first needed; it must have Silero's inputs (`input`,
    /// `state`, `sr`), checked then.
    public init(modelPath: String, engine: OnnxRuntimeInferenceEngine) {
        model = engine.deferredModel(at: modelPath)
    }

    /// The session, with Silero's inputs and outputs.
    private func session() throws(VisionError) -> OnnxRuntimeInferenceModel {
        let session = try model.session()
        guard session.inputNames.count == 3, session.outputNames.count == 2 else {
            throw VisionError(
                .modelInvalid,
                "\(path) is not Silero VAD: inputs \(session.inputNames), outputs \(session.outputNames) (expected input, state, sr → output, stateN)")
        }
        return session
    }

    /// The speech probability of every whole window of `samples` (16 kHz mono, -1...1), in order;
    /// `state` comes in from the previous audio of the session and goes out for the next. A trailing
    /// part shorter than a window is kept in `state.pending` and analysed with the next audio.
    public func probabilities(of samples: [Float], state: inout VoiceActivityState) throws(VisionError) -> [Float] {
        var buffer = state.pending + samples
        var context = state.context.count == Self.contextSamples ? state.context : [Float](repeating: 0, count: Self.contextSamples)
        var recurrent = state.recurrent.count == Self.stateCount ? state.recurrent : [Float](repeating: 0, count: Self.stateCount)
        let model = try session()
        var results: [Float] = []
        results.reserveCapacity(buffer.count / Self.windowSamples)
        var offset = 0
        while offset + Self.windowSamples <= buffer.count {
            let window = Array(buffer[offset..<(offset + Self.windowSamples)])
            let outputs = try model.run([
                .float(Tensor(shape: [1, Self.contextSamples + Self.windowSamples], values: context + window)),
                .float(Tensor(shape: [2, 1, 128], values: recurrent)),
                .int64(shape: [], values: [Int64(Self.sampleRate)]),
            ])
            guard outputs.count == 2, let probability = outputs[0].values.first, outputs[1].count == Self.stateCount else {
                throw VisionError(.internalError, "Silero VAD gave \(outputs.map(\.shape)) instead of a probability and a 2x1x128 state")
            }
            results.append(probability)
            recurrent = outputs[1].values
            context = Array(window.suffix(Self.contextSamples))
            offset += Self.windowSamples
        }
        buffer.removeFirst(offset)
        state = VoiceActivityState(context: context, recurrent: recurrent, pending: buffer, samplesSeen: state.samplesSeen + samples.count)
        return results
    }
}

/// What Silero VAD carries from one stretch of audio to the next: the last 64 samples, the
/// recurrent state, and the samples not yet analysed. Stored between the chunks of a session.
public struct VoiceActivityState: Sendable, Hashable, Codable {
    public var context: [Float]
    public var recurrent: [Float]
    public var pending: [Float]
    /// Samples given so far (for logs and tests).
    public var samplesSeen: Int

    public init(context: [Float] = [], recurrent: [Float] = [], pending: [Float] = [], samplesSeen: Int = 0) {
        self.context = context
        self.recurrent = recurrent
        self.pending = pending
        self.samplesSeen = samplesSeen
    }
}
