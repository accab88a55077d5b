import Foundation
import Testing

@testable import ProctorCore

@Suite("YuNet decoding and NMS")
struct FaceDecodingTests {
    let decoder = YuNetDecoder(inputWidth: 320, inputHeight: 240)

    /// All-zero outputs (every prior background) with some priors filled in.
    func outputs(_ priors: [(index: Int, face: Float, iou: Float, loc: [Float])]) -> (loc: [Float], conf: [Float], iou: [Float]) {
        let count = decoder.priors.count
        var loc = [Float](repeating: 0, count: count * 14)
        var conf = [Float](repeating: 0, count: count * 2)
        var iou = [Float](repeating: 0, count: count)
        for prior in priors {
            conf[prior.index * 2 + 1] = prior.face
            conf[prior.index * 2] = 1 - prior.face
            iou[prior.index] = prior.iou
            for (offset, value) in prior.loc.enumerated() { loc[prior.index * 14 + offset] = value }
        }
        return (loc, conf, iou)
    }

    func decode(_ priors: [(index: Int, face: Float, iou: Float, loc: [Float])], threshold: Float = 0.6, topK: Int = 5000) throws -> [YuNetDecoder.Row] {
        let (loc, conf, iou) = outputs(priors)
        return try loc.withUnsafeBufferPointer { l in
            try conf.withUnsafeBufferPointer { c in
                try iou.withUnsafeBufferPointer { i in try decoder.decode(loc: l, conf: c, iou: i, scoreThreshold: threshold, nmsThreshold: 0.3, topK: topK) }
            }
        }
    }

    @Test("the priors of an input size: four feature maps, as many as the network's outputs have rows")
    func priorCounts() {
        // 320x240 gave 4385 rows from ONNX Runtime; 160x120 is the file's declared size.
        #expect(decoder.priors.count == 4385)
        #expect(YuNetDecoder(inputWidth: 160, inputHeight: 120).priors.count == 1076)
        // Stride 8: (320+1)/2/2/2 = 40 by 30 cells, three sizes each.
        let w: Float = 320
        let h: Float = 240
        let sizes: [Float] = decoder.priors.prefix(3).map { $0.width * w }
        #expect(sizes == [10, 16, 24])
        let first = decoder.priors[0]
        #expect(first.centreX * w == 4)
        #expect(first.centreY * h == 4)
        let nextColumn: Float = decoder.priors[3].centreX * w
        #expect(nextColumn == 12)
        let nextRow: Float = decoder.priors[40 * 3].centreY * h
        #expect(nextRow == 12)
        // The last prior: stride 64, the 256-px size at the last cell (5 by 3 cells at 320x240).
        let last = decoder.priors[decoder.priors.count - 1]
        let lastSize: Float = last.width * w
        let lastX: Float = last.centreX * w
        let lastY: Float = last.centreY * h
        #expect(abs(lastSize - 256) < 1e-3)
        #expect(abs(lastX - 288) < 1e-3)
        #expect(abs(lastY - 160) < 1e-3)
    }

    @Test("a prior with zero offsets is a box of the prior's size at its centre; the score is √(face · iou)")
    func decodesOnePrior() throws {
        // Stride 32, the 64-px size: index 40*30*3 + 20*15*2 + (row 2, column 3) * 2.
        let index = 40 * 30 * 3 + 20 * 15 * 2 + (2 * 10 + 3) * 2
        let faces = try decode([(index, 0.81, 1, [])])
        let face = try #require(faces.first)
        #expect(faces.count == 1)
        let score: Float = face[14]
        #expect(abs(score - 0.9) < 1e-6)
        // Centre (3.5·32, 2.5·32) = (112, 80), 64 px square.
        let box: [Float] = Array(face[0..<4])
        let expected: [Float] = [80, 48, 64, 64]
        #expect(zip(box, expected).allSatisfy { abs($0 - $1) < 1e-4 })
        // Every landmark at the centre.
        for point in 0..<5 {
            let x: Float = face[4 + 2 * point]
            let y: Float = face[5 + 2 * point]
            #expect(abs(x - 112) < 1e-4)
            #expect(abs(y - 80) < 1e-4)
        }
    }

    @Test("offsets move by 0.1 of the prior, width by exp(0.1·d) and height by exp(0.2·d), as OpenCV 4.6 decodes")
    func offsets() throws {
        let index = 40 * 30 * 3 + 20 * 15 * 2 + (2 * 10 + 3) * 2
        let face = try #require(try decode([(index, 1, 1, [1, -1, 1, 1, 2, 0, 0, 2, 0, 0, 0, 0, 0, 0])]).first)
        let width: Float = 64 * Float(exp(0.1))
        let height: Float = 64 * Float(exp(0.2))
        let x: Float = 112 + 6.4 - width / 2
        let y: Float = 80 - 6.4 - height / 2
        let got: [Float] = [face[0], face[1], face[2], face[3], face[4], face[7]]
        let want: [Float] = [x, y, width, height, 112 + 12.8, 80 + 12.8]
        #expect(zip(got, want).allSatisfy { abs($0 - $1) < 1e-3 }, "\(got) against \(want)")
    }

    @Test("scores at or below the threshold are dropped; iou is clamped to 0…1")
    func thresholds() throws {
        #expect(try decode([(0, 0.36, 1, [])]).isEmpty)  // exactly 0.6: OpenCV keeps scores above the threshold
        #expect(try decode([(0, 0.49, 1, [])]).count == 1)
        #expect(try decode([(0, 1, -0.5, [])]).isEmpty)
        let clamped: Float = try decode([(0, 0.64, 3, [])]).first?[14] ?? 0
        #expect(abs(clamped - 0.8) < 1e-6)
    }

    @Test("NMS keeps the higher of two overlapping boxes and both of two apart; topK bounds the candidates")
    func suppression() throws {
        // Priors 0 and 1 share a centre: 10 and 16 px boxes overlap by 100/256 > 0.3.
        let overlapping = try decode([(0, 0.7, 1, []), (1, 0.9, 1, [])])
        #expect(overlapping.count == 1)
        let kept: Float = overlapping[0][14]
        #expect(abs(kept - Float(0.9).squareRoot()) < 1e-6)
        // Priors 0 and 30 (ten cells apart) do not overlap.
        let apart = try decode([(0, 0.7, 1, []), (30, 0.9, 1, [])])
        #expect(apart.count == 2)
        #expect(apart[0][14] > apart[1][14])
        #expect(try decode([(0, 0.7, 1, []), (30, 0.9, 1, [])], topK: 1).count == 1)
    }

    @Test("outputs of another size are an error naming the sizes")
    func wrongSize() {
        let values = [Float](repeating: 0, count: 10)
        #expect(throws: YuNetOutputError.self) {
            try values.withUnsafeBufferPointer { v in try decoder.decode(loc: v, conf: v, iou: v, scoreThreshold: 0.5, nmsThreshold: 0.3, topK: 10) }
        }
    }
}
