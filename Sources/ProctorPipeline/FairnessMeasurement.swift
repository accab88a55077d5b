import Foundation
import ProctorCore
import ProctorVision

/// Face detection by group and light level on a labelled folder of faces (`../shared/testdata/fairness`):
/// each image padded to a webcam-like size on grey, made darker by each `LightRecipe`, and analysed by
/// the product's face path (the same preprocessing, dark-frame adaptation and detector as a live frame).
///
/// A face counts as found when a detected face's box contains the image's centre, where the labelled
/// face is; other boxes are counted apart (`otherFaces`).
public struct FairnessMeasurement: Sendable {
    /// One labelled face of `labels.json`.
    public struct Item: Sendable, Hashable, Decodable {
        public var file: String
        public var race: String
        public var gender: String
        public var age: String
    }

    /// The results at one light level.
    public struct Level: Sendable, Hashable, Encodable {
        public var recipe: LightRecipe
        public var table: FairnessTable
        /// The light the detector measured on these images (mean luma and noise: lowest, median, highest).
        public var meanLuma: [Double]
        public var noise: [Double]
        /// Images the light rule called dark (adapted) and poor (`poor_lighting`).
        public var darkFrames: Int
        public var poorFrames: Int
        /// Faces found only by the dark-frame second pass.
        public var foundBySecondPass: Int
        /// What the face path cost per image (ms): the light measure, preprocessing, and detection
        /// (with the mesh confirming a dark frame's candidate, when it ran).
        public var lightMs: LatencyStatistics
        public var preprocessMs: LatencyStatistics
        public var faceDetectMs: LatencyStatistics
        /// Face detection on the images whose face the second pass found (the mesh ran on them).
        public var secondPassFaceDetectMs: LatencyStatistics
        public var observations: [FairnessObservation]
    }

    public var folder: URL
    public var items: [Item]
    /// Images are centred on a square canvas of this side (0 leaves them as they are).
    public var paddedSide = 448
    public var fill = 128.0

    /// Reads `labels.json` of `folder`.
    public init(folder: URL) throws {
        struct Labels: Decodable { var items: [Item] }
        let data = try Data(contentsOf: folder.appendingPathComponent("labels.json"))
        self.folder = folder
        items = try JSONDecoder().decode(Labels.self, from: data).items
    }

    /// Measures every image at `recipe` with `configuration` (sampling, objects and eyes are switched
    /// off: they do not change whether a face is found). Images are analysed `concurrency` at a time.
    public func measure(
        _ recipe: LightRecipe, configuration: PipelineConfiguration, pool: VisionWorkerPool, concurrency: Int? = nil
    ) async throws -> Level {
        var faceOnly = configuration
        faceOnly.sampling.enabled = false
        faceOnly.objects.enabled = false
        faceOnly.gaze.eyes.enabled = false
        let faceConfiguration = faceOnly
        let side = paddedSide
        let fill = fill
        let folder = folder
        let lanes = max(1, concurrency ?? pool.size)
        let results = try await withThrowingTaskGroup(of: [(Int, FairnessObservation, FrameMetadata.Light?, StageTimings)].self) { group in
            for lane in 0..<lanes {
                let indices = Array(stride(from: lane, to: items.count, by: lanes))
                let items = self.items
                group.addTask {
                    var out: [(Int, FairnessObservation, FrameMetadata.Light?, StageTimings)] = []
                    for index in indices {
                        let item = items[index]
                        let path = folder.appendingPathComponent(item.file).path
                        // The same noise for an image at every run: the seed is its place in the list.
                        let scene = try await pool.run { _ in
                            guard let data = FileManager.default.contents(atPath: path) else { throw VisionError(.io, "cannot read \(path)") }
                            let image = try Image.decode([UInt8](data))
                            let padded = side > 0 ? try image.padded(width: max(side, image.width), height: max(side, image.height), fill: fill) : image
                            return try padded.simulatingLight(recipe, seed: UInt64(index + 1))
                        }
                        var pipeline = DetectionPipeline(sessionId: "fairness", configuration: faceConfiguration, pool: pool)
                        let outcome = try await pipeline.process(frame: scene, timestamp: 0)
                        let (cx, cy) = (Double(scene.width) / 2, Double(scene.height) / 2)
                        let atCentre = { (box: [Double]) in
                            box.count == 4 && (box[0]...(box[0] + box[2])).contains(cx) && (box[1]...(box[1] + box[3])).contains(cy)
                        }
                        let boxes = outcome.message.faces.map(\.bbox)
                        let found = boxes.contains(where: atCentre)
                        let others = boxes.filter { !atCentre($0) }.count
                        out.append(
                            (
                                index,
                                FairnessObservation(file: item.file, race: item.race, gender: item.gender, age: item.age, found: found, otherFaces: others),
                                outcome.message.metadata.preprocessing.light,
                                outcome.message.metadata.stages
                            ))
                    }
                    return out
                }
            }
            var all: [(Int, FairnessObservation, FrameMetadata.Light?, StageTimings)] = []
            for try await part in group { all += part }
            return all.sorted { $0.0 < $1.0 }
        }
        let lights = results.compactMap(\.2)
        func spread(_ values: [Double]) -> [Double] {
            let sorted = values.sorted()
            guard let first = sorted.first, let last = sorted.last else { return [] }
            return [first, sorted[sorted.count / 2], last]
        }
        let observations = results.map(\.1)
        return Level(
            recipe: recipe, table: FairnessTable(observations), meanLuma: spread(lights.map(\.meanLuma)), noise: spread(lights.map(\.noise)),
            darkFrames: lights.filter { $0.condition != .good }.count, poorFrames: lights.filter { $0.condition == .poor }.count,
            foundBySecondPass: lights.filter(\.foundBySecondPass).count, lightMs: LatencyStatistics(results.map(\.3.lightMs)),
            preprocessMs: LatencyStatistics(results.map(\.3.preprocessMs)), faceDetectMs: LatencyStatistics(results.map(\.3.faceDetectMs)),
            secondPassFaceDetectMs: LatencyStatistics(results.filter { $0.2?.foundBySecondPass == true }.map(\.3.faceDetectMs)),
            observations: observations)
    }
}

/// False faces in empty scenes at a light level: each image of a folder of scenes without a face
/// (`../shared/testdata/no_face`), whole and as its four quarters, each made webcam-like (640x480),
/// darkened by the recipe with `seeds` noise draws, and analysed by the face path.
public struct EmptySceneCheck: Sendable {
    public struct Result: Sendable, Hashable, Encodable {
        public var recipe: LightRecipe
        public var views: Int
        /// Views in which a face was reported, by file and view ("lime_dark_desk.png#2").
        public var withFaces: [String]
    }

    public var files: [URL]
    public var seeds = 3

    public init(folder: URL) throws {
        files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { ["jpg", "jpeg", "png"].contains($0.pathExtension.lowercased()) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    public func measure(_ recipe: LightRecipe, configuration: PipelineConfiguration, pool: VisionWorkerPool) async throws -> Result {
        var faceOnly = configuration
        faceOnly.sampling.enabled = false
        faceOnly.objects.enabled = false
        faceOnly.gaze.eyes.enabled = false
        var views = 0
        var withFaces: [String] = []
        for (fileIndex, file) in files.enumerated() {
            let path = file.path
            let scenes = try await pool.run { _ in
                guard let data = FileManager.default.contents(atPath: path) else { throw VisionError(.io, "cannot read \(path)") }
                let image = try Image.decode([UInt8](data))
                let (w, h) = (image.width / 2, image.height / 2)
                let parts = try [image] + [(0, 0), (w, 0), (0, h), (w, h)].map { try image.cropped(x: $0.0, y: $0.1, width: w, height: h) }
                return try parts.map { try $0.resized(width: 640, height: 480) }
            }
            for (viewIndex, view) in scenes.enumerated() {
                for seed in 0..<seeds {
                    let seedValue = UInt64(10_000 + fileIndex * 100 + viewIndex * 10 + seed)
                    let scene = try await pool.run { _ in try view.simulatingLight(recipe, seed: seedValue) }
                    var pipeline = DetectionPipeline(sessionId: "empty-scenes", configuration: faceOnly, pool: pool)
                    let outcome = try await pipeline.process(frame: scene, timestamp: 0)
                    views += 1
                    if !outcome.message.faces.isEmpty { withFaces.append("\(file.lastPathComponent)#\(viewIndex).\(seed)") }
                    if recipe.noise == 0 { break }  // without noise every seed gives the same image
                }
            }
        }
        return Result(recipe: recipe, views: views, withFaces: withFaces)
    }
}
