import ArgumentParser
import Foundation
import ProctorCore
import ProctorPipeline
import ProctorVision

/// `proctor verify REFERENCE PROBE`: is the probe the person in the reference photo?
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare the face in a probe image with the single face of a reference photo (cosine similarity)."
    )

    @OptionGroup var common: CommonOptions

    @Argument(help: "Reference photo with exactly one face.")
    var reference: String

    @Argument(help: "Probe image; its largest face is compared.")
    var probe: String

    func run() async throws {
        let configuration = try common.loadConfiguration()
        let pool = try await VisionRuntime.startPool(configuration, workers: 1)
        defer { pool.shutdown() }
        let identity = configuration.pipeline.identity
        let maximumPixels = configuration.pipeline.maximumImagePixels
        let referenceBytes = try Self.read(reference)
        let probeBytes = try Self.read(probe)
        let result = try await pool.run { models in
            let referenceFace = try IdentityVerifier.enrolmentFace(referenceBytes, models: models, maximumPixels: maximumPixels)
            let probeFaces = try IdentityVerifier.faces(probeBytes, models: models, maximumPixels: maximumPixels)
            guard let main = probeFaces.faces.first else {
                throw ValidationError("no face found in the probe image \(self.probe)")
            }
            let probeEmbedding = try models.embedder.embedding(of: main, in: probeFaces.image)
            return (referenceFace.embedding.cosineSimilarity(to: probeEmbedding), probeFaces.faces.count)
        }
        let verdict = IdentityVerdict(similarity: result.0, configuration: identity)
        let report = VerifyReport(match: verdict == .match, similarity: result.0, referenceFaces: 1, probeFaces: result.1, verdict: verdict)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    private static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        return [UInt8](data)
    }
}

struct VerifyReport: Encodable {
    var match: Bool
    var similarity: Double
    var referenceFaces: Int
    var probeFaces: Int
    var verdict: IdentityVerdict
}
