import CProctorVision
import ProctorCore

/// Finds faces with YuNet: on an inference engine (ONNX Runtime) with `YuNetDecoder`, or on
/// `cv::FaceDetectorYN`, which decodes the same way itself.
///
/// Frames are downscaled to `detectionWidth` first (a webcam face is still 60+ px there, and it runs
/// about 5x faster than at 640 px); boxes come back in the caller's full-frame coordinates.
public final class FaceDetector {
    private enum Backend {
        case openCV(OpaquePointer)
        /// The network with a free input size; `loc`, `conf` and `iou` are the indices of its outputs.
        case inference(any InferenceModel, loc: Int, conf: Int, iou: Int)
    }

    private let backend: Backend
    /// The priors of the last input size (frames of a stream keep their size).
    private var decoder: YuNetDecoder?
    public let configuration: FaceConfiguration
    /// The lowest score YuNet reports: the threshold, or the dark frames' second-pass score when lower.
    /// Boxes below the threshold are candidates only (`detectWithCandidates`), never faces by themselves.
    public let candidateThreshold: Double
    private static let maximumFaces = 64

    /// - Parameter candidateThreshold: report boxes down to this score as candidates (0: none).
    public init(modelPath: String, configuration: FaceConfiguration, candidateThreshold: Double = 0) throws(VisionError) {
        let lowest = Self.lowestScore(configuration, candidateThreshold: candidateThreshold)
        do {
            backend = .openCV(
                try created("cannot load face detector \(modelPath)") {
                    pv_face_detector_create(modelPath, Float(lowest), Float(configuration.nmsThreshold), Int32(Self.topK), $0)
                })
        } catch {
            throw VisionError(.modelInvalid, error.message)
        }
        self.configuration = configuration
        self.candidateThreshold = lowest
    }

    /// YuNet 2022mar with a free input size (`FaceConfiguration.detectorInferenceModel`) on an
    /// inference engine; its outputs must be named `loc`, `conf` and `iou`.
    public init(model: any InferenceModel, configuration: FaceConfiguration, candidateThreshold: Double = 0) throws(VisionError) {
        guard let loc = model.outputNames.firstIndex(of: "loc"), let conf = model.outputNames.firstIndex(of: "conf"),
            let iou = model.outputNames.firstIndex(of: "iou")
        else {
            throw VisionError(.modelInvalid, "the face detector is not YuNet 2022mar: its outputs are \(model.outputNames), not loc, conf and iou")
        }
        backend = .inference(model, loc: loc, conf: conf, iou: iou)
        self.configuration = configuration
        self.candidateThreshold = Self.lowestScore(configuration, candidateThreshold: candidateThreshold)
    }

    /// The lowest score reported: the threshold, or a lower candidate threshold (0: none).
    private static func lowestScore(_ configuration: FaceConfiguration, candidateThreshold: Double) -> Double {
        candidateThreshold > 0 ? min(configuration.scoreThreshold, candidateThreshold) : configuration.scoreThreshold
    }

    deinit {
        if case .openCV(let handle) = backend { pv_face_detector_free(handle) }
    }

    /// What runs the network, for logs and the pipeline info route.
    public var engineName: String {
        switch backend {
        case .openCV: "opencv-facedetectoryn"
        case .inference(let model, _, _, _): model.engineName
        }
    }

    /// At most this many boxes enter NMS (`cv::FaceDetectorYN`'s top_k as Proctor creates it).
    static let topK = 5000

    /// Faces in `image`, largest first. `offset` is added to every coordinate (for a region of interest).
    /// `preparing` runs on the downscaled image the detector sees (preprocessing at detection scale
    /// costs a quarter of doing it on a 640-px frame).
    public func detect(in image: Image, offset: Point2 = Point2(x: 0, y: 0), preparing: (Image) throws(VisionError) -> Image = { $0 }) throws(VisionError)
        -> [DetectedFace]
    {
        try detectWithCandidates(in: image, offset: offset, preparing: preparing).faces
    }

    /// Faces at the score threshold, largest first, and the boxes between `candidateThreshold` and the
    /// threshold (largest first), which a caller may confirm otherwise (the face mesh on a dark frame).
    public func detectWithCandidates(
        in image: Image, offset: Point2 = Point2(x: 0, y: 0), preparing: (Image) throws(VisionError) -> Image = { $0 }
    ) throws(VisionError) -> (faces: [DetectedFace], candidates: [DetectedFace]) {
        var found = try detect(in: image, width: configuration.detectionWidth, offset: offset, preparing: preparing)
        if !found.contains(where: { $0.score >= configuration.scoreThreshold }), configuration.retryWidth > configuration.detectionWidth,
            image.width > configuration.retryWidth
        {
            found = try detect(in: image, width: configuration.retryWidth, offset: offset, preparing: preparing)
        }
        let sorted = found.sorted { $0.box.area > $1.box.area }
        return (sorted.filter { $0.score >= configuration.scoreThreshold }, sorted.filter { $0.score < configuration.scoreThreshold })
    }

    /// `detectWithCandidates` on the image mirrored left to right (the mirror is taken of the small,
    /// prepared detector input), with boxes mapped back to `image`'s coordinates plus `offset`.
    public func detectMirroredWithCandidates(
        in image: Image, offset: Point2 = Point2(x: 0, y: 0), preparing: (Image) throws(VisionError) -> Image = { $0 }
    ) throws(VisionError) -> (faces: [DetectedFace], candidates: [DetectedFace]) {
        let found = try detectWithCandidates(in: image) { (small: Image) throws(VisionError) -> Image in try preparing(small).mirrored() }
        let back = { (face: DetectedFace) in
            var mapped = face.mirrored(width: Double(image.width))
            mapped.box = mapped.box.offsetBy(dx: offset.x, dy: offset.y)
            mapped.keypoints = mapped.keypoints.map { Point2(x: $0.x + offset.x, y: $0.y + offset.y) }
            return mapped
        }
        return (found.faces.map(back), found.candidates.map(back))
    }

    /// YuNet's pooling layers fail on smaller inputs (OpenCV reports negative layer shapes for 16, 32
    /// and 48 px; 64 px works); no face that small could be found anyway.
    static let minimumSide = 64

    private func detect(in image: Image, width: Int, offset: Point2, preparing: (Image) throws(VisionError) -> Image) throws(VisionError) -> [DetectedFace] {
        let (downscaled, scale) = try image.downscaled(toWidth: width)
        guard min(downscaled.width, downscaled.height) >= Self.minimumSide else { return [] }
        let small = try preparing(downscaled)
        var rows: [Float]
        let count: Int
        switch backend {
        case .openCV(let handle):
            rows = [Float](repeating: 0, count: Self.maximumFaces * 15)
            let found = try checked("face detection") { status in
                rows.withUnsafeMutableBufferPointer { pv_face_detector_detect(handle, small.handle, $0.baseAddress, Int32(Self.maximumFaces), status) }
            }
            count = min(Int(found), Self.maximumFaces)
        case .inference(let model, let loc, let conf, let iou):
            let faces = try decode(
                model.run(try small.tensor(scale: 1, swapRB: false)), loc: loc, conf: conf, iou: iou, width: small.width, height: small.height)
            count = min(faces.count, Self.maximumFaces)
            rows = Array(faces.prefix(count).joined())
        }
        return rows.withUnsafeBufferPointer { buffer in
            (0..<count).map { i in
                DetectedFace(row: UnsafeBufferPointer(rebasing: buffer[(i * 15)..<(i * 15 + 15)]), scale: scale, offset: offset)
            }
            .filter { $0.score >= candidateThreshold }
        }
    }

    /// The network's outputs as faces (`YuNetDecoder`), down to `candidateThreshold`, highest score first.
    private func decode(_ outputs: [Tensor], loc: Int, conf: Int, iou: Int, width: Int, height: Int) throws(VisionError) -> [YuNetDecoder.Row] {
        guard outputs.count > max(loc, conf, iou) else { throw VisionError(.modelInvalid, "YuNet produced \(outputs.count) outputs, not 3") }
        if decoder?.inputWidth != width || decoder?.inputHeight != height { decoder = YuNetDecoder(inputWidth: width, inputHeight: height) }
        guard let decoder else { return [] }
        do {
            return try outputs[loc].values.withUnsafeBufferPointer { locValues throws(YuNetOutputError) in
                try outputs[conf].values.withUnsafeBufferPointer { confValues throws(YuNetOutputError) in
                    try outputs[iou].values.withUnsafeBufferPointer { iouValues throws(YuNetOutputError) in
                        try decoder.decode(
                            loc: locValues, conf: confValues, iou: iouValues, scoreThreshold: Float(candidateThreshold),
                            nmsThreshold: Float(configuration.nmsThreshold), topK: Self.topK)
                    }
                }
            }
        } catch {
            throw VisionError(.modelInvalid, error.description)
        }
    }
}
