import Foundation
import Testing

@testable import ProctorCore

@Suite("Object detector decoding and NMS")
struct ObjectDecodingTests {
    let classes = ObjectClassMap.coco
    let decoder = YOLOXDecoder(inputWidth: 416, inputHeight: 416)

    /// An all-zero YOLOX output with some anchors filled in.
    func yoloxOutput(_ anchors: [(index: Int, row: [Float])]) -> [Float] {
        var output = [Float](repeating: 0, count: decoder.anchorCount * 85)
        for (index, row) in anchors {
            for (offset, value) in row.enumerated() { output[index * 85 + offset] = value }
        }
        return output
    }

    func row(x: Float, y: Float, logW: Float, logH: Float, objectness: Float, classId: Int, score: Float) -> [Float] {
        var row = [x, y, logW, logH, objectness] + [Float](repeating: 0, count: 80)
        row[5 + classId] = score
        return row
    }

    @Test("YOLOX-nano at 416 has 3549 anchors")
    func anchorCount() {
        #expect(decoder.anchorCount == 52 * 52 + 26 * 26 + 13 * 13)
        #expect(decoder.anchorCount == 3549)
    }

    @Test("a 416x320 input (a 640x480 frame at its own aspect) decodes its 52x40 grid row by row")
    func rectangularGrid() throws {
        let wide = YOLOXDecoder(inputWidth: 416, inputHeight: 320)
        #expect(wide.anchorCount == 52 * 40 + 26 * 20 + 13 * 10)
        // Cell (gx 3, gy 39) of the 52x40 stride-8 grid: the bottom row, where a square grid would have 52 rows.
        var output = [Float](repeating: 0, count: wide.anchorCount * 85)
        for (offset, value) in row(x: 0, y: 0, logW: 0, logH: 0, objectness: 1, classId: 67, score: 0.9).enumerated() {
            output[(39 * 52 + 3) * 85 + offset] = value
        }
        let detections = try output.withUnsafeBufferPointer { try wide.decode($0, classCount: 80, letterboxScale: 0.65, classMap: classes) }
        let d = try #require(detections.first)
        #expect(abs(d.box.center.x - 3 * 8 / 0.65) < 1e-3)
        #expect(abs(d.box.center.y - 39 * 8 / 0.65) < 1e-3)
        // The square decoder refuses the rectangular output instead of misplacing its rows.
        #expect(throws: DetectorOutputError.self) {
            try output.withUnsafeBufferPointer { try decoder.decode($0, classCount: 80, letterboxScale: 0.65, classMap: classes) }
        }
    }

    @Test("a free-size detector's input keeps the frame's aspect, the longer side at 416, sides whole strides")
    func inputFitting() {
        let fit = { (w: Int, h: Int, padding: Int) in DetectorInputSize.fitting(frameWidth: w, frameHeight: h, side: 416, padding: padding) }
        #expect(fit(640, 480, 0) == DetectorInputSize(width: 416, height: 320))  // 312 of picture, 8 rows of padding
        #expect(fit(640, 480, 32) == DetectorInputSize(width: 416, height: 352))  // at least 32 rows of padding
        #expect(fit(480, 640, 32) == DetectorInputSize(width: 352, height: 416))
        #expect(fit(1280, 720, 0) == DetectorInputSize(width: 416, height: 256))  // 234 -> 256
        #expect(fit(1280, 720, 32) == DetectorInputSize(width: 416, height: 288))  // 266 -> 288
        #expect(fit(416, 416, 32) == .square(416))  // never beyond the square
        #expect(fit(300, 300, 0) == .square(416))  // scaled up like the square letterbox
        #expect(fit(4000, 10, 0) == DetectorInputSize(width: 416, height: 32))  // never below one stride
        #expect(fit(0, 480, 32) == .square(416))
    }

    @Test("a stride-8 anchor decodes with grid offsets and exp sizes")
    func strideEight() throws {
        // Cell (gx 10, gy 5) of the 52x52 grid is anchor 5 * 52 + 10.
        let output = yoloxOutput([(5 * 52 + 10, row(x: 0.5, y: 0.25, logW: log(4), logH: log(2), objectness: 0.9, classId: 67, score: 0.8))])
        let detections = try output.withUnsafeBufferPointer { try decoder.decode($0, classCount: 80, letterboxScale: 1, classMap: classes) }
        #expect(detections.count == 1)
        let d = try #require(detections.first)
        #expect(d.classId == 67)
        #expect(d.label == "cell phone")
        #expect(abs(d.confidence - 0.72) < 1e-6)
        // cx = (0.5 + 10) * 8 = 84, cy = (0.25 + 5) * 8 = 42, w = 4 * 8 = 32, h = 2 * 8 = 16
        #expect(abs(d.box.x - (84 - 16)) < 1e-4)
        #expect(abs(d.box.y - (42 - 8)) < 1e-4)
        #expect(abs(d.box.width - 32) < 1e-4)
        #expect(abs(d.box.height - 16) < 1e-4)
    }

    @Test("stride-32 anchors come last and the letterbox scale is undone")
    func strideThirtyTwoAndScale() throws {
        // Last anchor: cell (12, 12) of the 13x13 grid.
        let output = yoloxOutput([(3548, row(x: 0, y: 0, logW: 0, logH: 0, objectness: 1, classId: 0, score: 0.9))])
        let detections = try output.withUnsafeBufferPointer { try decoder.decode($0, classCount: 80, letterboxScale: 0.65, classMap: classes) }
        let d = try #require(detections.first)
        #expect(d.classId == 0)
        // cx = 12 * 32 = 384 in the letterbox, / 0.65 in the frame; w = 32 / 0.65.
        #expect(abs(d.box.center.x - 384 / 0.65) < 1e-3)
        #expect(abs(d.box.width - 32 / 0.65) < 1e-3)
    }

    @Test("per-class thresholds: person 0.4, forbidden 0.5 by default")
    func thresholds() throws {
        let output = yoloxOutput([
            (0, row(x: 0, y: 0, logW: 0, logH: 0, objectness: 1, classId: 0, score: 0.45)),  // person kept
            (1, row(x: 0, y: 0, logW: 0, logH: 0, objectness: 1, classId: 67, score: 0.45)),  // phone dropped
            (2, row(x: 0, y: 0, logW: 0, logH: 0, objectness: 1, classId: 73, score: 0.55)),  // book kept
            (3, row(x: 0, y: 0, logW: 0, logH: 0, objectness: 0.3, classId: 0, score: 0.9)),  // obj * cls = 0.27: dropped
        ])
        let detections = try output.withUnsafeBufferPointer { try decoder.decode($0, classCount: 80, letterboxScale: 1, classMap: classes) }
        #expect(detections.map(\.classId).sorted() == [0, 73])
    }

    @Test("an output of the wrong size is an error, not garbage")
    func wrongSize() {
        let output = [Float](repeating: 0, count: 100)
        #expect(throws: DetectorOutputError.self) {
            try output.withUnsafeBufferPointer { try decoder.decode($0, classCount: 80, letterboxScale: 1, classMap: classes) }
        }
    }

    @Test("YOLOv8 output decodes column-wise without objectness")
    func yolov8() throws {
        let v8 = YOLOv8Decoder(anchorCount: 4)
        var output = [Float](repeating: 0, count: (4 + 80) * 4)
        // Anchor 2: box centre (100, 50), size 20 x 10, laptop 0.7.
        output[0 * 4 + 2] = 100
        output[1 * 4 + 2] = 50
        output[2 * 4 + 2] = 20
        output[3 * 4 + 2] = 10
        output[(4 + 63) * 4 + 2] = 0.7
        let detections = try output.withUnsafeBufferPointer { try v8.decode($0, classCount: 80, letterboxScale: 0.5, classMap: classes) }
        let d = try #require(detections.first)
        #expect(detections.count == 1)
        #expect(d.label == "laptop")
        #expect(d.box == BoundingBox(x: 180, y: 90, width: 40, height: 20))
        #expect(YOLOv8Decoder(inputSize: 640).anchorCount == 8400)
    }

    @Test("NMS keeps the best of overlapping boxes within a class, and every class")
    func nms() {
        func detection(_ classId: Int, _ confidence: Double, _ x: Double) -> ObjectDetection {
            ObjectDetection(classId: classId, label: "\(classId)", confidence: confidence, box: BoundingBox(x: x, y: 0, width: 100, height: 100))
        }
        let kept = NonMaximumSuppression.classWise(
            [
                detection(0, 0.9, 0), detection(0, 0.8, 10), detection(0, 0.7, 300),  // the second overlaps the first (IoU 0.82)
                detection(67, 0.6, 5),  // another class at the same place survives
            ], iouThreshold: 0.45)
        #expect(kept.map(\.confidence) == [0.9, 0.7, 0.6])
    }

    @Test("IoU of boxes")
    func iou() {
        let a = BoundingBox(x: 0, y: 0, width: 10, height: 10)
        #expect(a.intersectionOverUnion(with: a) == 1)
        #expect(a.intersectionOverUnion(with: BoundingBox(x: 20, y: 20, width: 5, height: 5)) == 0)
        #expect(abs(a.intersectionOverUnion(with: BoundingBox(x: 5, y: 0, width: 10, height: 10)) - 50.0 / 150.0) < 1e-12)
    }
}
