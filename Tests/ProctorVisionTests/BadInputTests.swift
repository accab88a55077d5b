import Foundation
import ProctorCore
import ProctorPipeline
import ProctorVision
import Testing

@Suite("Bad input")
struct BadInputTests {
    func process(_ bytes: [UInt8]) async throws -> FrameOutcome {
        var configuration = PipelineConfiguration()
        configuration.sampling.enabled = false
        var pipeline = DetectionPipeline(sessionId: "bad", configuration: configuration, pool: try await pool())
        return try await pipeline.process(encodedFrame: bytes, timestamp: 0)
    }

    func expectVisionError(_ kind: VisionError.Kind, _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            _ = try await process(bytes)
            Issue.record("expected \(kind), got an analysis", sourceLocation: sourceLocation)
        } catch let error as VisionError {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a truncated JPEG is refused, not half-analysed")
    func truncatedJPEG() async throws {
        let jpeg = try TestEnvironment.bytes("head_pose/aflw2000_image00050.jpg")
        await expectVisionError(.notAnImage, Array(jpeg.prefix(jpeg.count / 2)))
        await expectVisionError(.notAnImage, Array(jpeg.prefix(300)))
    }

    @Test("random bytes and empty data are not images")
    func garbage() async throws {
        var generator = SystemRandomNumberGenerator()
        await expectVisionError(.notAnImage, (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        await expectVisionError(.notAnImage, [])
        await expectVisionError(.notAnImage, Array("hello, I am not a picture".utf8))
    }

    @Test("a PNG that claims zero size is refused")
    func zeroSize() async throws {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
        png += [0, 0, 0, 0, 0, 0, 0, 0, 8, 2, 0, 0, 0, 0, 0, 0, 0]
        await expectVisionError(.notAnImage, png)
    }

    @Test("an 8000x8000 image is refused before it is decoded")
    func hugeImage() async throws {
        let pool = try await pool()
        let jpeg = try await pool.run { _ in
            try Image.fromBGR([UInt8](repeating: 90, count: 8000 * 8000 * 3), width: 8000, height: 8000).jpegData(quality: 50)
        }
        let header = try #require(jpeg.withUnsafeBytes { ImageHeader.probe($0) })
        #expect(header.width == 8000 && header.height == 8000 && header.isComplete)
        await expectVisionError(.imageTooLarge, jpeg)
    }

    @Test("the pipeline keeps working after bad frames")
    func recovers() async throws {
        await expectVisionError(.notAnImage, [1, 2, 3])
        let outcome = try await process(try TestEnvironment.bytes("head_pose/aflw2000_image00050.jpg"))
        #expect(outcome.message.gaze.faceDetected)
    }

    @Test("a text file named .mp4 is not a video")
    func fakeVideo() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-fake-\(UUID().uuidString).mp4")
        try Data("this is not a video".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let pool = try await pool()
        await #expect(throws: VisionError.self) {
            try await pool.run { _ -> Bool in
                let reader = try VideoReader(path: url.path)
                return try reader.nextFrame() == nil
            }
        }
    }

    @Test("a missing model file is named in the error")
    func missingModel() throws {
        let empty = ModelDirectory(url: FileManager.default.temporaryDirectory.appendingPathComponent("no-models-here"))
        #expect {
            _ = try VisionModels(configuration: PipelineConfiguration(), directory: empty)
        } throws: { error in
            guard let error = error as? VisionError else { return false }
            return error.kind == .modelMissing && error.message.contains("face_detection_yunet_2022mar.onnx")
        }
    }

    @Test("a corrupt model file is a clear error")
    func corruptModel() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-corrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("garbage".utf8).write(to: folder.appendingPathComponent("yolox_nano.onnx"))
        #expect {
            _ = try OpenCVInferenceModel(path: folder.appendingPathComponent("yolox_nano.onnx").path)
        } throws: { error in
            (error as? VisionError)?.kind == .modelInvalid && "\(error)".contains("yolox_nano.onnx")
        }
    }
}
