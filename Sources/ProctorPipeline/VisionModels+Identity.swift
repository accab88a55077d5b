import ProctorCore
import ProctorVision

extension VisionModels {
    /// The cosine similarity of the largest face in `frame` to the enrolled `reference`, nil when
    /// there is no face: one identity check (`IdentityCheck`), for recorded chunks and the live
    /// stream alike. It detects on the raw frame, as the reference photo was embedded: the
    /// embedder aligns the crop by the detector's five points. Runs on a CV worker.
    public func similarity(ofLargestFaceIn frame: Image, to reference: FaceEmbedding) throws -> Double? {
        guard let face = try faceDetector.detect(in: frame).first else { return nil }
        return try embedder.embedding(of: face, in: frame).cosineSimilarity(to: reference)
    }
}
