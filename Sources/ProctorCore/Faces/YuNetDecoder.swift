import Foundation

/// Turns YuNet 2022mar's raw outputs into faces, exactly as `cv::FaceDetectorYN` of OpenCV 4.6 does, so
/// that the network can run on ONNX Runtime (1.4 ms against 4.3 ms at 320x240 on one thread here).
///
/// The network predicts, for every prior (an anchor of a given size at a cell of one of four feature maps:
/// strides 8, 16, 32 and 64, sizes 10/16/24, 32/48, 64/96 and 128/192/256 px), 14 offsets (`loc`: box
/// centre and size, five landmarks), a background/face pair (`conf`) and an IoU estimate (`iou`). A
/// face's score is √(face · clamp(iou, 0, 1)); boxes are decoded with the variances 0.1 and 0.2; then
/// greedy NMS on the boxes truncated to whole pixels (`cv::dnn::NMSBoxes` on `Rect2i`), highest score
/// first, keeping at most `topK`.
public struct YuNetDecoder: Sendable {
    /// One prior: centre and size as fractions of the input.
    public struct Prior: Sendable, Hashable {
        public var centreX: Float, centreY: Float, width: Float, height: Float
    }

    /// One decoded face in input pixels, in `cv::FaceDetectorYN`'s row layout: x, y, width, height, then
    /// right eye, left eye, nose tip, right and left mouth corner (x, y each), then the score.
    public typealias Row = [Float]

    public let inputWidth: Int
    public let inputHeight: Int
    public let priors: [Prior]

    static let minimumSizes: [[Float]] = [[10, 16, 24], [32, 48], [64, 96], [128, 192, 256]]
    static let steps: [Float] = [8, 16, 32, 64]
    static let centreVariance: Float = 0.1
    static let sizeVariance: Float = 0.2

    public init(inputWidth: Int, inputHeight: Int) {
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        priors = Self.priors(width: inputWidth, height: inputHeight)
    }

    /// The priors of an input size, in the network's output order: feature map, then row, column and size.
    static func priors(width: Int, height: Int) -> [Prior] {
        // The feature maps after the stem: (side + 1) / 2 / 2, then halved three more times.
        var mapWidth = (width + 1) / 2 / 2
        var mapHeight = (height + 1) / 2 / 2
        let w = Float(width)
        let h = Float(height)
        var priors: [Prior] = []
        for (index, sizes) in minimumSizes.enumerated() {
            mapWidth /= 2
            mapHeight /= 2
            let step = steps[index]
            for row in 0..<max(0, mapHeight) {
                for column in 0..<max(0, mapWidth) {
                    for size in sizes {
                        priors.append(
                            Prior(
                                centreX: (Float(column) + 0.5) * step / w, centreY: (Float(row) + 0.5) * step / h,
                                width: size / w, height: size / h))
                    }
                }
            }
        }
        return priors
    }

    /// Faces scoring above `scoreThreshold`, after NMS, highest score first. `loc` holds 14 values per
    /// prior, `conf` 2 and `iou` 1.
    public func decode(
        loc: UnsafeBufferPointer<Float>, conf: UnsafeBufferPointer<Float>, iou: UnsafeBufferPointer<Float>,
        scoreThreshold: Float, nmsThreshold: Float, topK: Int
    ) throws(YuNetOutputError) -> [Row] {
        let count = priors.count
        guard loc.count == count * 14, conf.count == count * 2, iou.count == count else {
            throw YuNetOutputError(priors: count, loc: loc.count, conf: conf.count, iou: iou.count, width: inputWidth, height: inputHeight)
        }
        let w = Float(inputWidth)
        let h = Float(inputHeight)
        // Scores first: only the priors above the threshold are decoded (NMS drops the others anyway).
        var candidates: [(index: Int, score: Float)] = []
        for index in 0..<count {
            let score = (conf[index * 2 + 1] * min(1, max(0, iou[index]))).squareRoot()
            if score > scoreThreshold { candidates.append((index, score)) }
        }
        // Stable, as OpenCV's: equal scores keep the priors' order.
        candidates = candidates.enumerated().sorted { ($0.element.score, -$0.offset) > ($1.element.score, -$1.offset) }.map(\.element)
        if topK > 0, candidates.count > topK { candidates.removeLast(candidates.count - topK) }
        var kept: [(row: Row, box: PixelRect)] = []
        for candidate in candidates {
            let prior = priors[candidate.index]
            let base = candidate.index * 14
            let centreX = (prior.centreX + loc[base] * Self.centreVariance * prior.width) * w
            let centreY = (prior.centreY + loc[base + 1] * Self.centreVariance * prior.height) * h
            // OpenCV 4.6 decodes the width with the first variance and the height with the second.
            let width = prior.width * exp(loc[base + 2] * Self.centreVariance) * w
            let height = prior.height * exp(loc[base + 3] * Self.sizeVariance) * h
            var row: Row = [centreX - width / 2, centreY - height / 2, width, height]
            for point in 0..<5 {
                row.append((prior.centreX + loc[base + 4 + 2 * point] * Self.centreVariance * prior.width) * w)
                row.append((prior.centreY + loc[base + 5 + 2 * point] * Self.centreVariance * prior.height) * h)
            }
            row.append(candidate.score)
            let box = PixelRect(row)
            if kept.allSatisfy({ box.overlap(with: $0.box) <= nmsThreshold }) { kept.append((row, box)) }
        }
        return kept.map(\.row)
    }
}

/// A box truncated to whole pixels, as `cv::Rect2i` holds it, for NMS.
struct PixelRect: Sendable {
    var x: Int, y: Int, width: Int, height: Int

    init(_ row: [Float]) {
        x = Int(row[0])
        y = Int(row[1])
        width = Int(row[2])
        height = Int(row[3])
    }

    var area: Int { width * height }

    /// Intersection over union (`cv::Rect`'s `&` and areas).
    func overlap(with other: PixelRect) -> Float {
        let left = max(x, other.x)
        let top = max(y, other.y)
        let right = min(x + width, other.x + other.width)
        let bottom = min(y + height, other.y + other.height)
        let intersection = right > left && bottom > top ? (right - left) * (bottom - top) : 0
        let union = area + other.area - intersection
        return union > 0 ? Float(intersection) / Float(union) : 0
    }
}

/// The outputs do not have the sizes the input size implies.
public struct YuNetOutputError: Error, CustomStringConvertible, Sendable {
    public var priors: Int, loc: Int, conf: Int, iou: Int, width: Int, height: Int

    public var description: String {
        "YuNet outputs have \(loc)/\(conf)/\(iou) values where \(priors * 14)/\(priors * 2)/\(priors) were expected for \(width)x\(height)"
    }
}
