import ProctorCore
import ProctorVision

/// What a frame's face and object paths found, and how long they took together.
struct FrameDetection: Sendable {
    var faces: FacePathResult
    /// Nil when no object pass was due.
    var objectPass: ObjectPassResult?
    var region: PixelRegion?
    var milliseconds: Double
}

extension DetectionPipeline {
    /// An encoded frame's one trip to a CV worker: the decoded frame, its sampling, and the
    /// detection when the sampler kept it.
    struct EncodedFrameTrip: Sendable {
        var frame: Image
        var decodeMs: Double
        var motion: SamplingMotion?
        /// The sampler after its decision on this frame.
        var sampler: AdaptiveSampler
        var decision: SamplingDecision
        var detection: FrameDetection?
    }
}
