import ProctorCore
import ProctorVision

/// Checks a reference photo (exactly one good face) and embeds the face. Runs on a CV worker.
public struct ReferenceCheck: Sendable {
    public var faces: Int
    public var score: Double
    public var brightness: Double
    public var sharpness: Double
    public var problem: ReferencePhotoRules.Problem?
    public var embedding: FaceEmbedding?

    public static func run(_ bytes: [UInt8], models: VisionModels, configuration: ProctorConfiguration) throws(VisionError) -> ReferenceCheck {
        let image = try Image.decode(bytes, maximumPixels: configuration.pipeline.maximumImagePixels)
        let faces = try models.faceDetector.detect(in: image)
        let rules = ReferencePhotoRules(configuration.recording)
        // The light rule of the live analysis, on what its face detector would see.
        let light = try image.downscaled(toWidth: configuration.pipeline.faces.detectionWidth).image.light()
        let condition = LightingRule(configuration: configuration.pipeline.preprocessing.lowLight).condition(of: light)
        guard faces.count == 1, let face = faces.first, condition != .poor else {
            return ReferenceCheck(
                faces: faces.count, score: faces.first?.score ?? 0, brightness: light.meanLuma, sharpness: 0,
                problem: rules.problem(faces: faces.count, faceSide: 0, brightness: 0, sharpness: 0, lightCondition: condition), embedding: nil)
        }
        let box = face.box.clamped(toWidth: Double(image.width), height: Double(image.height))
        let region = try image.cropped(x: Int(box.x), y: Int(box.y), width: max(1, Int(box.width)), height: max(1, Int(box.height)))
        let quality = try region.quality()
        let problem = rules.problem(faces: 1, faceSide: min(box.width, box.height), brightness: quality.meanLuma, sharpness: quality.sharpness)
        return ReferenceCheck(
            faces: 1, score: face.score, brightness: quality.meanLuma, sharpness: quality.sharpness, problem: problem,
            embedding: problem == nil ? try models.embedder.embedding(of: face, in: image) : nil)
    }
}
