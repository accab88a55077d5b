/// Whether a photo is good enough to enrol as the candidate's reference face.
public struct ReferencePhotoRules: Sendable, Hashable {
    public var minimumFaceSize: Double
    public var minimumBrightness: Double
    public var minimumSharpness: Double

    public init(minimumFaceSize: Double, minimumBrightness: Double, minimumSharpness: Double) {
        self.minimumFaceSize = minimumFaceSize
        self.minimumBrightness = minimumBrightness
        self.minimumSharpness = minimumSharpness
    }

    public init(_ configuration: RecordingConfiguration) {
        self.init(
            minimumFaceSize: configuration.referenceMinimumFaceSize, minimumBrightness: configuration.referenceMinimumBrightness,
            minimumSharpness: configuration.referenceMinimumSharpness)
    }

    /// Why a photo is refused, in words a candidate can act on.
    public struct Problem: Sendable, Hashable {
        /// `no_face`, `multiple_faces`, `face_too_small`, `too_dark`, `too_blurry`.
        public var code: String
        public var message: String
    }

    /// The first problem of a photo with `faces` faces, the largest `faceSide` pixels across, whose face
    /// region has mean brightness `brightness` (0...255) and Laplacian variance `sharpness`, and whose
    /// whole frame has the light `lightCondition` (the live analysis's rule); nil when it is fine.
    /// A poorly lit frame is refused as too dark before anything else: a face missed in the dark is the
    /// camera's failure, not "no face".
    public func problem(faces: Int, faceSide: Double, brightness: Double, sharpness: Double, lightCondition: LightCondition = .good) -> Problem? {
        if lightCondition == .poor { return Problem(code: "too_dark", message: LightingRule.candidateMessage) }
        if faces == 0 { return Problem(code: "no_face", message: "No face was found. Face the camera in good light.") }
        if faces > 1 { return Problem(code: "multiple_faces", message: "\(faces) faces were found. Only you should be in the photo.") }
        if faceSide < minimumFaceSize {
            return Problem(code: "face_too_small", message: "Your face is too small in the photo (\(Int(faceSide)) px). Move closer to the camera.")
        }
        if brightness < minimumBrightness { return Problem(code: "too_dark", message: LightingRule.candidateMessage) }
        if sharpness < minimumSharpness { return Problem(code: "too_blurry", message: "The photo is blurry. Hold still and check the camera's focus.") }
        return nil
    }
}
