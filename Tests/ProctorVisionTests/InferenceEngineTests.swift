import Foundation
import ProctorCore
import ProctorVision
import Testing

/// ONNX Runtime and OpenCV DNN must agree: same detections, same pose, same embeddings.
@Suite("Inference engines", .serialized)
struct InferenceEngineTests {
    static let library = TestEnvironment.checkout.appendingPathComponent("vendor/lib/libonnxruntime.so.1.31.1").path

    /// The models of the default configuration, as `adjust` changes it.
    func models(_ engine: any InferenceEngine, _ adjust: (inout PipelineConfiguration) -> Void = { _ in }) throws -> VisionModels {
        var configuration = PipelineConfiguration()
        adjust(&configuration)
        return try VisionModels(configuration: configuration, directory: TestEnvironment.models, engine: engine)
    }

    func onnxRuntime() throws -> OnnxRuntimeInferenceEngine {
        // scripts/setup.sh installs the library; without it this suite cannot compare anything.
        try #require(FileManager.default.fileExists(atPath: Self.library), "run scripts/setup.sh to install ONNX Runtime")
        return try OnnxRuntimeInferenceEngine(libraryPath: Self.library, intraOpThreads: 1)
    }

    @Test("objects, head pose and embeddings agree across engines on the dev images")
    func enginesAgree() throws {
        let opencv = try models(OpenCVInferenceEngine())
        // The same square YOLOX input on both engines (the free-size input is compared below).
        let ort = try models(try onnxRuntime()) { $0.objects.inferenceModel = "" }
        #expect(!ort.objectDetector.fitsFrameAspect)
        #expect(ort.engines["object_detector"] == "onnxruntime")
        #expect(ort.engines["face_landmarks"] == "onnxruntime")
        #expect(ort.engines["face_embedder"] == "onnxruntime")
        #expect(ort.engines["iris_landmarks"] == "onnxruntime")
        let labels = try Labels.load()
        let files =
            labels.items.filter { ["objects_people", "head_pose", "no_face"].contains($0.task) }.map(\.file)
            + labels.items(task: "face_verification").prefix(8).map(\.file)
        var compared = 0
        var maxBoxShift = 0.0
        var maxPoseDifference = 0.0
        var minCosine = 1.0
        var maxRatioDifference = 0.0
        var eyesCompared = 0
        for file in files {
            let image = try Image.decode(try TestEnvironment.bytes(file))
            let a = try opencv.objectDetector.detect(in: image)
            let b = try ort.objectDetector.detect(in: image)
            #expect(a.map(\.classId) == b.map(\.classId), "\(file): classes differ")
            for (x, y) in zip(a, b) {
                let shift = [abs(x.box.x - y.box.x), abs(x.box.y - y.box.y), abs(x.box.maxX - y.box.maxX), abs(x.box.maxY - y.box.maxY)].max()!
                maxBoxShift = max(maxBoxShift, shift)
                #expect(shift < 3, "\(file): \(x.label) box moved \(shift) px")
                #expect(abs(x.confidence - y.confidence) < 0.01)
            }
            guard let face = try opencv.faceDetector.detect(in: image).first else { continue }
            let meshA = try opencv.landmarker.landmarks(of: face, in: image)
            let meshB = try ort.landmarker.landmarks(of: face, in: image)
            let poseA = try opencv.poseEstimator.pose(of: meshA.points, frameWidth: image.width, frameHeight: image.height)
            let poseB = try ort.poseEstimator.pose(of: meshB.points, frameWidth: image.width, frameHeight: image.height)
            let difference = max(abs(poseA.yaw - poseB.yaw), abs(poseA.pitch - poseB.pitch), abs(poseA.roll - poseB.roll))
            maxPoseDifference = max(maxPoseDifference, difference)
            #expect(difference < 1, "\(file): pose differs by \(difference)°")
            // The iris model on the same mesh (OpenCV's), so only the engines differ.
            let irisA = try #require(opencv.irisLandmarker).eyes(of: meshA, in: image, cropScale: 2.3, minimumWidth: 12)
            let irisB = try #require(ort.irisLandmarker).eyes(of: meshA, in: image, cropScale: 2.3, minimumWidth: 12)
            let up = IrisLandmarker.faceUp(meshA)
            for (x, y) in [(irisA.right, irisB.right), (irisA.left, irisB.left)] {
                guard let x, let y, let a = EyeGeometry.measure(x, up: up), let b = EyeGeometry.measure(y, up: up) else { continue }
                let ratio = max(abs(a.horizontal - b.horizontal), abs(a.vertical - b.vertical), abs(a.openness - b.openness))
                maxRatioDifference = max(maxRatioDifference, ratio)
                #expect(ratio < 0.005, "\(file): eye ratios differ by \(ratio)")
                eyesCompared += 1
            }
            let cosine = try opencv.embedder.embedding(of: face, in: image).cosineSimilarity(to: ort.embedder.embedding(of: face, in: image))
            minCosine = min(minCosine, cosine)
            #expect(cosine > 0.999, "\(file): embeddings differ (cosine \(cosine))")
            compared += 1
        }
        print(
            String(
                format:
                    "engines: %d images, %d with faces; max box shift %.3f px, max pose difference %.4f°, min embedding cosine %.6f; %d eyes, max ratio difference %.5f",
                files.count, compared, maxBoxShift, maxPoseDifference, minCosine, eyesCompared, maxRatioDifference))
        #expect(compared >= 20)
        #expect(eyesCompared >= 20)
    }

    @Test("YuNet on ONNX Runtime with YuNetDecoder finds what cv::FaceDetectorYN finds, down to the dark frames' candidates")
    func faceDetectorsAgree() throws {
        let opencv = try models(OpenCVInferenceEngine())
        let ort = try models(try onnxRuntime())
        #expect(opencv.engines["face_detector"] == "opencv-facedetectoryn")
        #expect(ort.engines["face_detector"] == "onnxruntime")
        let labels = try Labels.load()
        // Every labelled still, as photographed and dark (the candidates below the threshold matter there).
        var files = labels.items.filter { ["objects_people", "head_pose", "no_face", "face_verification"].contains($0.task) }.map(\.file)
        files += try FileManager.default.contentsOfDirectory(atPath: TestEnvironment.file("fairness/images").path).sorted().prefix(40).map {
            "fairness/images/" + $0
        }
        var faces = 0
        var candidates = 0
        var maxShift = 0.0
        var maxScoreDifference = 0.0
        for (index, file) in files.enumerated() {
            let photo = try Image.decode(try TestEnvironment.bytes(file))
            for image in [photo, try photo.simulatingLight(.darkWithNoise, seed: UInt64(index))] {
                let a = try opencv.faceDetector.detectWithCandidates(in: image)
                let b = try ort.faceDetector.detectWithCandidates(in: image)
                #expect(a.faces.count == b.faces.count, "\(file): \(a.faces.count) faces against \(b.faces.count)")
                #expect(a.candidates.count == b.candidates.count, "\(file): \(a.candidates.count) candidates against \(b.candidates.count)")
                for (x, y) in zip(a.faces + a.candidates, b.faces + b.candidates) {
                    let points = zip(
                        [x.box.x, x.box.y, x.box.maxX, x.box.maxY] + x.keypoints.flatMap { [$0.x, $0.y] },
                        [y.box.x, y.box.y, y.box.maxX, y.box.maxY] + y.keypoints.flatMap { [$0.x, $0.y] })
                    let shift = points.map { abs($0 - $1) }.max() ?? 0
                    maxShift = max(maxShift, shift)
                    maxScoreDifference = max(maxScoreDifference, abs(x.score - y.score))
                    #expect(shift < 0.5, "\(file): a face moved \(shift) px")
                    #expect(abs(x.score - y.score) < 0.001, "\(file): score \(x.score) against \(y.score)")
                }
                faces += b.faces.count
                candidates += b.candidates.count
            }
        }
        print(
            String(
                format: "engines: YuNet on %d images x 2 lights, %d faces and %d candidates; max shift %.4f px, max score difference %.5f",
                files.count, faces, candidates, maxShift, maxScoreDifference))
        #expect(faces >= 60)
        #expect(candidates >= 1)
    }

    @Test("YOLOX at the frame's aspect (416x352 for 640x480) finds what the square 416x416 input finds")
    func objectInputsAgree() throws {
        let engine = try onnxRuntime()
        let free = try models(engine)
        let square = try models(engine) { $0.objects.inferenceModel = "" }
        #expect(free.objectDetector.fitsFrameAspect && !square.objectDetector.fitsFrameAspect)
        #expect(free.objectDetector.inputSize(frameWidth: 640, frameHeight: 480) == DetectorInputSize(width: 416, height: 352))
        let labels = try Labels.load()
        var images = try labels.items.filter { ["objects_people", "head_pose", "no_face"].contains($0.task) }.map {
            ($0.file, try Image.decode(try TestEnvironment.bytes($0.file)))
        }
        // Webcam frames (640x480, where the padding is saved) from every dev clip, one a second.
        for clip in labels.items(task: "video").map(\.file) {
            let reader = try VideoReader(path: TestEnvironment.file(clip).path)
            var index = 0
            while let frame = try reader.nextFrame() {
                if index % 15 == 0 { images.append(("\(clip)@\(index)", frame.image)) }
                index += 1
            }
        }
        var compared = 0
        var minIoU = 1.0
        var maxConfidenceDifference = 0.0
        for (name, image) in images {
            let a = try square.objectDetector.detect(in: image)
            let b = try free.objectDetector.detect(in: image)
            // A person or forbidden object clear of its threshold on one input is on the other, in the
            // same place and about as confident; other classes (reported, never a finding) score alike.
            let classes = PipelineConfiguration().objects.classes
            for (these, those, side) in [(a, b, "square"), (b, a, "free-size")] {
                for x in these where x.confidence >= classes.threshold(for: x.classId) + 0.05 {
                    let proctored = x.classId == classes.personClassId || classes.forbiddenClass(for: x.classId) != nil
                    let match = those.filter { $0.classId == x.classId }.max {
                        $0.box.intersectionOverUnion(with: x.box) < $1.box.intersectionOverUnion(with: x.box)
                    }
                    guard let match else {
                        if proctored { Issue.record("\(name): \(x.label) at \(x.confidence) on the \(side) input only") }
                        continue
                    }
                    let iou = match.box.intersectionOverUnion(with: x.box)
                    let difference = abs(match.confidence - x.confidence)
                    if proctored {
                        minIoU = min(minIoU, iou)
                        maxConfidenceDifference = max(maxConfidenceDifference, difference)
                        #expect(iou > 0.85, "\(name): \(x.label) moved (IoU \(iou))")
                        compared += 1
                    }
                    #expect(difference < (proctored ? 0.06 : 0.1), "\(name): \(x.label) \(x.confidence) against \(match.confidence)")
                }
            }
        }
        print(
            String(
                format: "engines: YOLOX free-size against square on %d images, %d people and forbidden objects; min IoU %.3f, max confidence difference %.3f",
                images.count, compared, minIoU, maxConfidenceDifference))
        #expect(compared >= 40)
    }

    @Test("the face mesh and the iris model with their PReLUs written as ReLUs give the official networks' points, bit for bit")
    func meshRewriteAgrees() throws {
        let engine = try onnxRuntime()
        let rewritten = try models(engine)
        let official = try models(engine) {
            $0.faces.landmarkInferenceModel = ""
            $0.gaze.eyes.inferenceModel = ""
        }
        for file in [PipelineConfiguration().faces.landmarkInferenceModel, PipelineConfiguration().gaze.eyes.inferenceModel] {
            #expect(engine.openedPaths.contains(try TestEnvironment.models.path(for: file)))
        }
        var eyes = 0
        let labels = try Labels.load()
        var faces = 0
        for file in labels.items.filter({ ["head_pose", "face_verification", "objects_people"].contains($0.task) }).map(\.file) {
            let image = try Image.decode(try TestEnvironment.bytes(file))
            guard let face = try official.faceDetector.detect(in: image).first else { continue }
            let a = try official.landmarker.landmarks(of: face, in: image)
            let b = try rewritten.landmarker.landmarks(of: face, in: image)
            #expect(a.points == b.points, "\(file): landmarks differ")
            #expect(a.presence == b.presence, "\(file): presence \(a.presence) against \(b.presence)")
            // The iris model on the same mesh: the official file's points against the rewritten one's.
            let irisA = try #require(official.irisLandmarker).eyes(of: a, in: image, cropScale: 2.3, minimumWidth: 12)
            let irisB = try #require(rewritten.irisLandmarker).eyes(of: a, in: image, cropScale: 2.3, minimumWidth: 12)
            #expect(irisA == irisB, "\(file): iris points differ")
            eyes += [irisA.right, irisA.left].compactMap { $0 }.count
            faces += 1
        }
        #expect(faces >= 20)
        #expect(eyes >= 20)
    }

    @Test("MobileFaceNet is opened by the first identity check, not with the other models")
    func deferredEmbedder() throws {
        let engine = try onnxRuntime()
        let models = try models(engine)
        let embedder = try TestEnvironment.models.path(for: PipelineConfiguration().identity.model)
        #expect(!engine.openedPaths.contains(embedder))
        #expect(models.engines["face_embedder"] == "onnxruntime")
        let image = try Image.decode(try TestEnvironment.bytes("head_pose/aflw2000_image00050.jpg"))
        let face = try #require(try models.faceDetector.detect(in: image).first)
        let embedding = try models.embedder.embedding(of: face, in: image)
        #expect(embedding.values.count == FaceEmbedder.dimensions)
        #expect(engine.openedPaths.contains(embedder))
    }

    @Test("Silero VAD is opened by the first sound it hears, and a model that is not Silero's is refused then")
    func deferredVoiceActivity() throws {
        let engine = try onnxRuntime()
        let vad = TestEnvironment.checkout.appendingPathComponent("models/silero_vad.onnx").path
        let detector = VoiceActivityDetector(modelPath: vad, engine: engine)
        #expect(!engine.openedPaths.contains(vad))
        var state = VoiceActivityState()
        let silence = try detector.probabilities(of: [Float](repeating: 0, count: 16_000), state: &state)
        #expect(silence.count == 16_000 / VoiceActivityDetector.windowSamples)
        #expect(silence.allSatisfy { $0 < 0.5 })
        #expect(engine.openedPaths.contains(vad))
        let wrong = VoiceActivityDetector(modelPath: try TestEnvironment.models.path(for: "yolox_nano.onnx"), engine: engine)
        do {
            _ = try wrong.probabilities(of: [Float](repeating: 0, count: 1024), state: &state)
            Issue.record("YOLOX ran as a voice activity detector")
        } catch {
            #expect(error.kind == .modelInvalid && error.message.contains("is not Silero VAD"), "\(error)")
        }
    }

    @Test("one engine opens a model once, and its session gives every thread the same outputs at once")
    func sharedSession() async throws {
        let engine = try onnxRuntime()
        let path = try TestEnvironment.models.path(for: "yolox_nano.onnx")
        let first = try engine.loadModel(at: path)
        #expect(first === (try engine.loadModel(at: path)))
        let images = ["objects_people/yolov5_bus.jpg", "objects_people/coco_000000000192.jpg"]
        let inputs = try images.map { try Image.decode(try TestEnvironment.bytes($0)).letterboxed(size: 416).image.tensor(scale: 1, swapRB: false) }
        let expected = try inputs.map { try first.run($0)[0].values }
        let model = try #require(first as? OnnxRuntimeInferenceModel)
        // Eight runs at once on four threads, each checked against the run alone.
        let matches = try await withThrowingTaskGroup(of: Bool.self) { group in
            for run in 0..<8 {
                group.addTask {
                    try await withCheckedThrowingContinuation { continuation in
                        Thread {
                            continuation.resume(with: Result { try model.run(inputs[run % 2])[0].values == expected[run % 2] })
                        }.start()
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(matches.count == 8 && matches.allSatisfy { $0 })
    }

    @Test("all sessions allocate from one arena, and two models run at once on several threads give their outputs alone")
    func sharedArena() async throws {
        let engine = try onnxRuntime()
        // The vendored library (1.31) has the version-6 table: a missing slot would fall back silently.
        #expect(engine.sharesArena)
        let objects = try #require(try engine.loadModel(at: try TestEnvironment.models.path(for: "yolox_nano.onnx")) as? OnnxRuntimeInferenceModel)
        let mesh = try #require(
            try engine.loadModel(at: try TestEnvironment.models.path(for: "face_landmark_mediapipe_v1.onnx")) as? OnnxRuntimeInferenceModel)
        let image = try Image.decode(try TestEnvironment.bytes("objects_people/yolov5_bus.jpg"))
        let objectInput = try image.letterboxed(size: 416).image.tensor(scale: 1, swapRB: false)
        let meshInput = try image.resized(width: 192, height: 192).tensor(scale: 1 / 255, swapRB: true)
        let expected = (try objects.run(objectInput).map(\.values), try mesh.run(meshInput).map(\.values))
        let runs = [(objects, objectInput), (mesh, meshInput)]
        let matches = try await withThrowingTaskGroup(of: Bool.self) { group in
            for run in 0..<8 {
                group.addTask {
                    try await withCheckedThrowingContinuation { continuation in
                        Thread {
                            let (model, input) = runs[run % 2]
                            continuation.resume(with: Result { try model.run(input).map(\.values) == (run % 2 == 0 ? expected.0 : expected.1) })
                        }.start()
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(matches.count == 8 && matches.allSatisfy { $0 })
    }

    @Test("a model file that fails to load is named in the error")
    func corruptModel() throws {
        let engine = try onnxRuntime()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-ort-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("yolox_nano.onnx").path
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try engine.loadModel(at: path)
        } throws: { error in
            (error as? VisionError)?.kind == .modelInvalid && "\(error)".contains("yolox_nano.onnx")
        }
        #expect(throws: VisionError.self) { _ = try engine.loadModel(at: folder.appendingPathComponent("missing.onnx").path) }
    }

    @Test("the raw outputs are computed by different kernels yet agree")
    func rawOutputs() throws {
        let path = try TestEnvironment.models.path(for: "yolox_nano.onnx")
        let image = try Image.decode(try TestEnvironment.bytes("objects_people/yolov5_bus.jpg"))
        let input = try image.letterboxed(size: 416).image.tensor(scale: 1, swapRB: false)
        let a = try OpenCVInferenceEngine().loadModel(at: path).run(input)[0].values
        let b = try onnxRuntime().loadModel(at: path).run(input)[0].values
        #expect(a.count == b.count && a.count == 3549 * 85)
        let difference = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        print("engines: YOLOX raw output max |difference| \(difference)")
        #expect(difference < 1e-2)
    }

    @Test("a wrongly shaped input is an error, not a crash")
    func wrongInput() throws {
        let model = try onnxRuntime().loadModel(at: TestEnvironment.models.path(for: "yolox_nano.onnx"))
        #expect(model.inputNames == ["images"])
        #expect(throws: VisionError.self) {
            _ = try model.run(Tensor(shape: [1, 3, 10, 10], values: [Float](repeating: 0, count: 300)))
        }
        let output = try model.run(Tensor(shape: [1, 3, 416, 416], values: [Float](repeating: 114, count: 3 * 416 * 416)))
        #expect(output.first?.shape == [1, 3549, 85])
    }
}
