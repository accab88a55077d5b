import Foundation
import ProctorCore
import ProctorStore
import Testing

extension StoreAndQueueTests {
    static func calibration(_ source: GazeCalibration.Source, left: Double) -> GazeCalibration {
        GazeCalibration(
            source: source, right: EyeCentre(horizontal: 0.56, vertical: 0.07), left: nil, yaw: 1.5, pitch: -2,
            range: GazeRange(left: left, right: 14, up: 20, down: 25), frames: 9)
    }

    @Test(
        "A gaze calibration is stored with its session: explicit replaces, automatic only fills the place; deleted with the session",
        arguments: Backend.all)
    func gazeCalibration(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.createRecording(F.recording("g1"), session: F.session("g1"))
            try await store.createRecording(F.recording("g2"), session: F.session("g2"))
            #expect(try await store.gazeCalibration(sessionId: "g1") == nil)

            // The live stream's automatic calibration arrives first and is kept.
            let automatic = GazeCalibrationRecord(sessionId: "g1", calibration: Self.calibration(.automatic, left: 15), createdAt: F.t0)
            #expect(try await store.saveGazeCalibration(automatic) == automatic)
            // A second automatic one (a reconnect, a recorded chunk) does not recalibrate silently.
            let later = GazeCalibrationRecord(sessionId: "g1", calibration: Self.calibration(.automatic, left: 30), createdAt: F.at(60))
            #expect(try await store.saveGazeCalibration(later) == automatic)
            #expect(try await store.gazeCalibration(sessionId: "g1") == automatic)
            // The candidate's calibration step replaces it, every field intact (the left eye unmeasured).
            let explicit = GazeCalibrationRecord(sessionId: "g1", calibration: Self.calibration(.explicit, left: 22.5), createdAt: F.at(120))
            #expect(try await store.saveGazeCalibration(explicit) == explicit)
            let stored = try #require(try await store.gazeCalibration(sessionId: "g1"))
            #expect(stored == explicit && stored.calibration.left == nil && stored.calibration.range.left == 22.5)
            // And an automatic one does not undo it.
            #expect(try await store.saveGazeCalibration(later) == explicit)
            #expect(try await store.gazeCalibration(sessionId: "g2") == nil)

            #expect(try await store.deleteSession(sessionId: "g1"))
            #expect(try await store.gazeCalibration(sessionId: "g1") == nil)
        }
    }
}
