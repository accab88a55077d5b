import Foundation
import Hummingbird
import ProctorCore
import ProctorPipeline
import ProctorStore
import ProctorVision

/// `POST /api/sessions/{id}/calibration`: the candidate page's optional gaze calibration step.
///
/// The page shows a dot in the centre of the screen and then in each corner, a second each, and
/// sends the webcam frames it took at each. The server measures them itself (face, mesh, head pose,
/// iris), so a calibration cannot be made up by the client, and stores the result with the session;
/// the live analysis and the recorded chunks then use it instead of the automatic calibration.
extension RecordingRoutes {
    struct CalibrationRequest: Decodable {
        struct Target: Decodable {
            var target: CalibrationTarget
            /// Base64 JPEG frames (`data:image/jpeg;base64,…` accepted).
            var frames: [String]
        }

        var targets: [Target]
    }

    /// Frames accepted per target: a second of video at the page's few frames per second, with room.
    static let maximumCalibrationFramesPerTarget = 8

    @Sendable func calibrate(_ request: Request, context: ProctorRequestContext) async throws -> CalibrationResponse {
        let record = try await authorisedRecording(request, context)
        try requireConsent(record)
        guard record.endRequestedAt == nil else { throw APIError(.conflict, .sessionEnded, "the session has ended") }
        guard let pool = pool else { throw APIError(.serviceUnavailable, .modelsUnavailable, modelError ?? "models not loaded") }
        let pipeline = configuration.pipeline
        guard pipeline.gaze.eyes.enabled else { throw APIError(.conflict, .conflict, "eye gaze is switched off on this server") }
        let bytes = try await RequestBody.collect(request, limit: configuration.recording.maxCalibrationBytes)
        // Megabytes of JSON and base64: parsed on the CV pool too, not on the server's threads.
        let images = try await pool.run { _ in try Self.frames(in: bytes) }
        let maximumPixels = pipeline.maximumImagePixels
        var observations: [CalibrationTarget: [EyeObservation?]] = [:]
        for (target, frames) in images {
            // One job per target on the CV pool: decoding and the face path are blocking work.
            observations[target] = try await pool.run { models in
                try frames.map { frame -> EyeObservation? in
                    let image: Image
                    do {
                        image = try Image.decode(frame, maximumPixels: maximumPixels)
                    } catch {
                        throw APIError(.badRequest, .notAnImage, "a \(target.rawValue) frame is not a readable image")
                    }
                    return try models.observeEyes(in: image, configuration: pipeline).eyes
                }
            }
        }
        let measured: ExplicitCalibration
        switch GazeCalibration.explicit(observations, configuration: pipeline.gaze.eyes) {
        case .success(let result): measured = result
        case .failure(let problem):
            throw APIError(.unprocessableContent, body: ErrorBody(code: .calibrationRejected, message: problem.message, reason: problem.reason.rawValue))
        }
        let stored = try await recordings.saveGazeCalibration(
            GazeCalibrationRecord(
                sessionId: record.sessionId, calibration: measured.calibration,
                createdAt: Date()))
        try await recordings.addMilestone(
            MilestoneRecord(
                sessionId: record.sessionId, kind: .gazeCalibrated, at: Date(),
                details: MilestoneDetails(calibration: stored.calibration.source.rawValue)))
        return CalibrationResponse(stored.calibration, targets: measured.targets)
    }

    /// The request's frames by target, checked: the centre present, each target once, 1-8 frames.
    static func frames(in bytes: [UInt8]) throws -> [CalibrationTarget: [[UInt8]]] {
        let body = try RequestBody.decode(CalibrationRequest.self, from: bytes)
        guard body.targets.contains(where: { $0.target == .center }) else {
            throw APIError(.badRequest, .missingField, "the calibration needs frames of the centre target")
        }
        var images: [CalibrationTarget: [[UInt8]]] = [:]
        for (index, target) in body.targets.enumerated() {
            guard images[target.target] == nil else { throw APIError(.badRequest, .invalidField, "target \(target.target.rawValue) is given twice") }
            guard (1...maximumCalibrationFramesPerTarget).contains(target.frames.count) else {
                throw APIError(.badRequest, .invalidField, "targets[\(index)] must have 1-\(maximumCalibrationFramesPerTarget) frames")
            }
            images[target.target] = try target.frames.enumerated().map { frameIndex, encoded in
                guard let data = Data(base64Encoded: strippingDataURL(encoded)), !data.isEmpty else {
                    throw APIError(.badRequest, .invalidBase64, "targets[\(index)].frames[\(frameIndex)] is not valid base64")
                }
                return [UInt8](data)
            }
        }
        return images
    }

    private static func strippingDataURL(_ encoded: String) -> String {
        guard encoded.hasPrefix("data:"), let comma = encoded.firstIndex(of: ",") else { return encoded }
        return String(encoded[encoded.index(after: comma)...])
    }
}

/// `POST /api/sessions/{id}/calibration`: the calibration now stored with the session.
struct CalibrationResponse: ResponseEncodable, Sendable {
    var status = "calibrated"
    var source: GazeCalibration.Source
    /// Frames with a face that the calibration used.
    var frames: Int
    /// Head pose at the centre, degrees.
    var yaw: Double
    var pitch: Double
    /// Degrees of gaze from the centre still on the screen, per side (left and right as in the image).
    var range: GazeRange
    var targets: [CalibrationTargetSummary]

    init(_ calibration: GazeCalibration, targets: [CalibrationTargetSummary]) {
        source = calibration.source
        frames = calibration.frames
        yaw = calibration.yaw
        pitch = calibration.pitch
        range = calibration.range
        self.targets = targets
    }
}
