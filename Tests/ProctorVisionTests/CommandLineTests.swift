import Foundation
import ProctorCore
import Testing

/// `proctor analyze` and `proctor verify` as other tools call them.
@Suite("Command line", .serialized)
struct CommandLineTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func proctor(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.executableURL = TestEnvironment.executable
        process.arguments = arguments
        process.currentDirectoryURL = TestEnvironment.checkout
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test("analyze prints one JSON line per image, reports bad files on stderr, and exits non-zero")
    func analyzeMixed() throws {
        let fake = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-cli-\(UUID().uuidString).mp4")
        try Data("not a video".utf8).write(to: fake)
        defer { try? FileManager.default.removeItem(at: fake) }
        let good = TestEnvironment.file("head_pose/aflw2000_image00050.jpg").path
        let other = TestEnvironment.file("objects_people/unsplash_three_business_people.jpg").path
        let run = try proctor(["analyze", good, "/nonexistent/missing.jpg", fake.path, other])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try AnalysisMessage.decoder.decode(AnalysisMessage.self, from: Data(lines[0].utf8))
        #expect(first.type == "analysis")
        #expect(first.gaze.faceDetected)
        #expect(first.metadata.preprocessing.sampling.reason == .samplingDisabled)
        let second = try AnalysisMessage.decoder.decode(AnalysisMessage.self, from: Data(lines[1].utf8))
        #expect(second.risk.details.violations.contains { $0.kind == .multiplePeople })
        #expect(run.stderr.contains("missing.jpg"))
        #expect(run.stderr.contains(fake.lastPathComponent))
    }

    @Test("analyze on a video prints processed frames with their times in the video")
    func analyzeVideo() throws {
        let run = try proctor(["analyze", "--objects-every", "2", TestEnvironment.file("video/news_single_face_frontal.mp4").path])
        #expect(run.status == 0, "\(run.stderr)")
        // Frame lines first, then (the clip has sound: the newsreader) one audio line and the speech lines.
        let lines = try run.stdout.split(separator: "\n").map { line in
            (Data(line.utf8), try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:])
        }
        let frames = lines.filter { $0.1["type"] as? String == "analysis" }
        let messages = try frames.map { try AnalysisMessage.decoder.decode(AnalysisMessage.self, from: $0.0) }
        #expect(lines.prefix(frames.count).allSatisfy { $0.1["type"] as? String == "analysis" })
        let audio = try #require(lines.first { $0.1["type"] as? String == "audio" }?.1)
        #expect(audio["status"] as? String == "analysed")
        #expect(audio["codec"] as? String == "aac")
        let speech = lines.filter { $0.1["type"] as? String == "speech" }.map(\.1)
        #expect(audio["speech_segments"] as? Int == speech.count)
        #expect(speech.contains { $0["finding"] as? String == "talking" }, "\(speech)")
        #expect(messages.count >= 4)
        #expect(messages.allSatisfy { !$0.metadata.frameSkipped })
        #expect(messages.map(\.timestamp) == messages.map(\.timestamp).sorted())
        #expect(messages.filter(\.objects.fresh).count <= 2)
    }

    @Test("--no-preprocess and --roi show in the metadata")
    func flags() throws {
        let run = try proctor(["analyze", "--no-preprocess", "--roi", TestEnvironment.file("head_pose/aflw2000_image00050.jpg").path])
        #expect(run.status == 0)
        let message = try AnalysisMessage.decoder.decode(AnalysisMessage.self, from: Data(run.stdout.utf8))
        #expect(!message.metadata.preprocessing.enabled)
        #expect(message.metadata.preprocessing.roi.enabled)
    }

    @Test("verify matches the same person and rejects another")
    func verify() throws {
        let same = try proctor([
            "verify", TestEnvironment.file("face_verification/jack_dorsey_01.jpg").path, TestEnvironment.file("face_verification/jack_dorsey_03.jpg").path,
        ])
        #expect(same.status == 0, "\(same.stderr)")
        let sameResult = try JSONSerialization.jsonObject(with: Data(same.stdout.utf8)) as? [String: Any]
        #expect(sameResult?["match"] as? Bool == true)
        #expect(sameResult?["reference_faces"] as? Int == 1)
        #expect((sameResult?["probe_faces"] as? Int ?? 0) >= 1)
        let different = try proctor([
            "verify", TestEnvironment.file("face_verification/jack_dorsey_01.jpg").path, TestEnvironment.file("face_verification/amy_adams_01.jpg").path,
        ])
        let differentResult = try JSONSerialization.jsonObject(with: Data(different.stdout.utf8)) as? [String: Any]
        #expect(differentResult?["match"] as? Bool == false)
        #expect((differentResult?["similarity"] as? Double ?? 1) < 0.45)
    }

    @Test("verify refuses a reference photo without exactly one face")
    func verifyBadReference() throws {
        let empty = try proctor([
            "verify", TestEnvironment.file("no_face/nyu_empty_classroom.jpg").path, TestEnvironment.file("face_verification/jack_dorsey_01.jpg").path,
        ])
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("exactly one face"))
        let group = try proctor([
            "verify", TestEnvironment.file("objects_people/unsplash_four_friends_selfie.jpg").path,
            TestEnvironment.file("face_verification/jack_dorsey_01.jpg").path,
        ])
        #expect(group.status != 0)
        #expect(group.stderr.contains("4 faces"))
    }

    @Test("a missing or corrupt ONNX Runtime library falls back to OpenCV with a warning")
    func engineFallback() throws {
        let corrupt = FileManager.default.temporaryDirectory.appendingPathComponent("libonnxruntime-\(UUID().uuidString).so")
        try Data("not a library".utf8).write(to: corrupt)
        defer { try? FileManager.default.removeItem(at: corrupt) }
        let image = TestEnvironment.file("head_pose/aflw2000_image00050.jpg").path
        for library in [corrupt.path, "/nonexistent/libonnxruntime.so"] {
            let run = try proctor(["analyze", image], environment: ["PROCTOR_VISION__ONNXRUNTIME_LIBRARY": library])
            #expect(run.status == 0)
            #expect(run.stderr.contains("using OpenCV DNN"), "\(run.stderr)")
            let message = try AnalysisMessage.decoder.decode(AnalysisMessage.self, from: Data(run.stdout.utf8))
            #expect(message.gaze.faceDetected)
            let strict = try proctor(
                ["analyze", image], environment: ["PROCTOR_VISION__ONNXRUNTIME_LIBRARY": library, "PROCTOR_VISION__ENGINE": "onnxruntime"])
            #expect(strict.status != 0)
            #expect(strict.stderr.contains("cannot load ONNX Runtime"))
        }
    }
}
