import Foundation
import Testing

@testable import ProctorCore

@Suite("Configuration loading")
struct ConfigurationTests {
    let loader = ConfigurationLoader()

    @Test("defaults are the product's defaults")
    func defaults() throws {
        let configuration = try loader.load(defaults: ProctorConfiguration())
        let pipeline = configuration.pipeline
        #expect(pipeline.sampling.motionThreshold == 10)
        #expect(pipeline.sampling.minFps == 2 && pipeline.sampling.maxFps == 10)
        #expect(pipeline.faces.scoreThreshold == 0.9)
        #expect(pipeline.objects.classes.personThreshold == 0.4)
        #expect(pipeline.objects.classes.forbidden.map(\.classId) == [67, 73, 63])
        #expect(pipeline.behaviourWindow == 30)
        #expect(pipeline.roi.enabled == false)
        // Protected by default: encrypted blobs, private folders, closed metrics, no tokens in URLs.
        #expect(configuration.protection.encryptBlobs && configuration.protection.segmentBytes == 65536)
        #expect(configuration.protection.masterKeyFile.isEmpty && !configuration.server.allowSharedDataPermissions)
        #expect(!configuration.auth.openMetrics && !configuration.auth.allowTokenInLiveUrl)
        #expect(configuration.auth.liveTicketSeconds == 30 && configuration.auth.signingKeyGraceHours == 24)
    }

    @Test("a file names only what changes")
    func partialFile() throws {
        let file = Data(#"{"pipeline": {"sampling": {"motion_threshold": 4.5}, "roi": {"enabled": true}}}"#.utf8)
        let configuration = try loader.load(defaults: ProctorConfiguration(), file: file)
        #expect(configuration.pipeline.sampling.motionThreshold == 4.5)
        #expect(configuration.pipeline.sampling.maxFps == 10)
        #expect(configuration.pipeline.roi.enabled)
        #expect(configuration.pipeline.roi.height == 0.7)
    }

    @Test("environment variables override the file")
    func environment() throws {
        let file = Data(#"{"pipeline": {"sampling": {"motion_threshold": 4.5}}}"#.utf8)
        let configuration = try loader.load(
            defaults: ProctorConfiguration(), file: file,
            environment: [
                "PROCTOR_PIPELINE__SAMPLING__MOTION_THRESHOLD": "12",
                "PROCTOR_MODELS__DIRECTORY": "/srv/models",
                "PROCTOR_PIPELINE__OBJECTS__FORMAT": "yolov8",
                "UNRELATED": "1",
            ])
        #expect(configuration.pipeline.sampling.motionThreshold == 12)
        #expect(configuration.models.directory == "/srv/models")
        #expect(configuration.pipeline.objects.format == .yolov8)
    }

    @Test("unknown keys and wrong types are errors that name the setting")
    func errors() {
        #expect {
            try loader.load(defaults: ProctorConfiguration(), file: Data(#"{"pipeline": {"sampling": {"motion_treshold": 1}}}"#.utf8))
        } throws: { error in
            "\(error)".contains("pipeline.sampling.motion_treshold")
        }
        #expect {
            try loader.load(defaults: ProctorConfiguration(), file: Data(#"{"pipeline": {"sampling": {"enabled": "yes please"}}}"#.utf8))
        } throws: { error in
            "\(error)".contains("sampling")
        }
        #expect(throws: (any Error).self) {
            try loader.load(defaults: ProctorConfiguration(), file: Data("not json".utf8))
        }
    }

    @Test("every setting has an environment variable")
    func environmentNames() throws {
        let names = try loader.environmentVariables(for: ProctorConfiguration()).map(\.name)
        #expect(names.contains("PROCTOR_PIPELINE__SAMPLING__MOTION_THRESHOLD"))
        #expect(names.contains("PROCTOR_VISION__WORKERS"))
    }
}
