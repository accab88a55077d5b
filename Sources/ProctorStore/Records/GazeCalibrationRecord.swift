import Foundation
import ProctorCore

/// A session's gaze calibration as stored: explicit (the candidate page's calibration step) or
/// automatic (the first near-frontal seconds of the exam).
public struct GazeCalibrationRecord: Sendable, Hashable {
    public var sessionId: String
    public var calibration: GazeCalibration
    public var createdAt: Date

    public init(sessionId: String, calibration: GazeCalibration, createdAt: Date) {
        self.sessionId = sessionId
        self.calibration = calibration
        self.createdAt = createdAt
    }

    /// The calibration as the JSON text both backends keep in `gaze_calibrations.calibration`.
    public var calibrationJSON: String {
        (try? Self.encoder.encode(calibration)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// A stored row; nil when its JSON cannot be read.
    public init?(sessionId: String, calibrationJSON: String, createdAt: Date) {
        guard let calibration = try? Self.decoder.decode(GazeCalibration.self, from: Data(calibrationJSON.utf8)) else { return nil }
        self.init(sessionId: sessionId, calibration: calibration, createdAt: createdAt)
    }

    /// Whether this record may replace `stored`: an explicit calibration replaces anything, an
    /// automatic one only fills an empty place (a session is never recalibrated silently).
    public var replacesStored: Bool { calibration.source == .explicit }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()
}
