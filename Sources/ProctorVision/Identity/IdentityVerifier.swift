import ProctorCore

/// Face look-ups for identity checks: the one face of a reference photo, the faces of a probe.
///
/// Identity uses the frame as captured (no CLAHE or smoothing): the embedding model was trained on
/// ordinary photos.
public enum IdentityVerifier {
    public struct Faces: @unchecked Sendable {
        public var image: Image
        /// Largest first.
        public var faces: [DetectedFace]
    }

    public struct Enrolment: Sendable {
        public var face: DetectedFace
        public var embedding: FaceEmbedding
    }

    public static func faces(_ bytes: [UInt8], models: VisionModels, maximumPixels: Int) throws(VisionError) -> Faces {
        let image = try Image.decode(bytes, maximumPixels: maximumPixels)
        return Faces(image: image, faces: try models.faceDetector.detect(in: image))
    }

    /// The embedding of the single face in a reference photo; zero or several faces is an error.
    public static func enrolmentFace(_ bytes: [UInt8], models: VisionModels, maximumPixels: Int) throws(VisionError) -> Enrolment {
        let found = try faces(bytes, models: models, maximumPixels: maximumPixels)
        guard found.faces.count == 1, let face = found.faces.first else {
            let problem = found.faces.isEmpty ? "no face was found" : "\(found.faces.count) faces were found"
            throw VisionError(.invalidArgument, "the reference photo must show exactly one face; \(problem)")
        }
        return Enrolment(face: face, embedding: try models.embedder.embedding(of: face, in: found.image))
    }
}
