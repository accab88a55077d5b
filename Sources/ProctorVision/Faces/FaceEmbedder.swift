import CProctorVision
import ProctorCore

/// Face embeddings for identity checks: MobileFaceNet on the ArcFace alignment of `cv::FaceRecognizerSF`.
///
/// The face is aligned to the ArcFace 5-point template from the detector's landmarks. The 112x112 crop
/// goes to the network as RGB 0...255 (the shipped model has its normalisation built in): through the
/// given inference model when there is one (the alignment then done by the shim, so `FaceRecognizerSF`
/// and its copy of the network are not loaded in every worker), else through `FaceRecognizerSF` itself.
public final class FaceEmbedder {
    /// `cv::FaceRecognizerSF`, only without an inference model.
    private let handle: OpaquePointer?
    private let model: (any InferenceModel)?
    public static let dimensions = 128

    public init(modelPath: String, model: (any InferenceModel)? = nil) throws(VisionError) {
        if model == nil {
            do {
                handle = try created("cannot load face recognizer \(modelPath)") { pv_face_recognizer_create(modelPath, $0) }
            } catch {
                throw VisionError(.modelInvalid, error.message)
            }
        } else {
            handle = nil
        }
        self.model = model
    }

    public var engineName: String { model?.engineName ?? "opencv-facerecognizersf" }

    deinit {
        if let handle { pv_face_recognizer_free(handle) }
    }

    /// The embedding of `face` in `image`.
    public func embedding(of face: DetectedFace, in image: Image) throws(VisionError) -> FaceEmbedding {
        let row = face.row
        let aligned = Image(
            handle: try created("face alignment") { status in
                row.withUnsafeBufferPointer { values in
                    if let handle {
                        pv_face_recognizer_align(handle, image.handle, values.baseAddress, status)
                    } else {
                        pv_face_align(image.handle, values.baseAddress, status)
                    }
                }
            })
        if let model {
            // The same blob FaceRecognizerSF::feature builds: RGB, 0...255, 1x3x112x112.
            guard let output = try model.run(try aligned.tensor(scale: 1, swapRB: true)).first, output.count == Self.dimensions else {
                throw VisionError(.modelInvalid, "face embedding model did not produce \(Self.dimensions) values")
            }
            return FaceEmbedding(values: output.values)
        }
        guard let handle else { throw VisionError(.modelInvalid, "no face embedding model") }
        var values = [Float](repeating: 0, count: Self.dimensions)
        let count = try checked("face embedding") { status in
            values.withUnsafeMutableBufferPointer { pv_face_recognizer_feature(handle, aligned.handle, $0.baseAddress, Int32(Self.dimensions), status) }
        }
        return FaceEmbedding(values: Array(values.prefix(Int(count))))
    }
}

/// A face embedding; compare two with cosine similarity.
public struct FaceEmbedding: Sendable, Hashable, Codable {
    public var values: [Float]

    public init(values: [Float]) {
        self.values = values
    }

    /// Cosine similarity in -1...1 (1 = same direction); 0 when either vector is zero or sizes differ.
    public func cosineSimilarity(to other: FaceEmbedding) -> Double {
        guard values.count == other.values.count, !values.isEmpty else { return 0 }
        var dot = 0.0
        var a = 0.0
        var b = 0.0
        for i in values.indices {
            let x = Double(values[i])
            let y = Double(other.values[i])
            dot += x * y
            a += x * x
            b += y * y
        }
        guard a > 0, b > 0 else { return 0 }
        return dot / (a.squareRoot() * b.squareRoot())
    }
}
