import Foundation
import ProctorCore
import ProctorVision
import Testing

/// The light measure reads the picture, not the padding around it.
@Suite("Light measure: padding bars are not a dark room")
struct LightMeasureTests {
    @Test("a well-lit portrait frame padded into 640x480 with black bars reads as its picture does; dark frames stay dark")
    func paddingIsNotDarkness() async throws {
        let reading = try await pool().run { _ in
            let reader = try VideoReader(path: TestEnvironment.file("video/webcam_gaze_center_left_center.mp4").path)
            guard let (frame, _) = try reader.nextFrame() else { throw VisionError(.notAnImage, "no frame") }
            // The clip is portrait (480x848): fitted into 640x480 it is 272x480 between black bars.
            let picture = try frame.resized(width: 272, height: 480)
            let padded = try picture.padded(width: 640, height: 480, fill: 0)
            let alone = try picture.downscaled(toWidth: 136).image.light()
            let inFrame = try padded.downscaled(toWidth: 320).image.light()
            // Through JPEG, as a browser sends it.
            let sent = try Image.decode(try padded.jpegData(quality: 80)).downscaled(toWidth: 320).image.light()
            // A dark room, and a dark room with bars: still dark.
            let dark = try padded.simulatingLight(.darkWithNoise, seed: 3).downscaled(toWidth: 320).image.light()
            let black = try Image.decode(try padded.simulatingLight(LightRecipe(name: "black", scale: 0, noise: 0), seed: 0).jpegData(quality: 80)).light()
            return (alone, inFrame, sent, dark, black)
        }
        let rule = LightingRule()
        print(
            String(
                format: "light: picture %.1f, padded %.1f, padded through JPEG %.1f, dark %.1f (noise %.1f), black %.1f", reading.0.meanLuma,
                reading.1.meanLuma, reading.2.meanLuma, reading.3.meanLuma, reading.3.noise, reading.4.meanLuma))
        #expect(abs(reading.1.meanLuma - reading.0.meanLuma) < 3)
        #expect(abs(reading.2.meanLuma - reading.0.meanLuma) < 3)
        #expect(rule.condition(of: reading.2) == .good)
        #expect(rule.condition(of: reading.3) != .good)
        #expect(rule.condition(of: reading.4) == .poor)
    }
}
