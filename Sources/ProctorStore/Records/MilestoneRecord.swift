import Foundation

/// Something that happened to a session outside the analysis, shown on the review timeline:
/// consent, reference photo, live connections and reconnections, the end, finalization.
public struct MilestoneRecord: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case consent
        case reference
        /// The gaze centre was set: by the calibration step, or automatically at the start of the exam.
        case gazeCalibrated = "gaze_calibrated"
        case liveConnected = "live_connected"
        case liveDisconnected = "live_disconnected"
        case endRequested = "end_requested"
        case finalized
        // Neutral facts the exam page reports (client events).
        case cameraRestored = "camera_restored"
        case pageReturned = "page_returned"
        case networkOnline = "network_online"
        /// What the browser said about a second screen when it did not report one (false or unknown).
        case screenCheck = "screen_check"
        /// The exam page records no sound (`reason`: `policy_off`, `refused`, `no_microphone`, `lost`).
        case audioUnavailable = "audio_unavailable"
        /// A chunk's sound could not be decoded (`chunk`, `message`); its video was analysed.
        case audioUnreadable = "audio_unreadable"
        /// The live analysis had no reference photo to check the candidate's identity against (noted
        /// once per session; it is a fact about the setup, not a finding).
        case noReference = "no_reference"
    }

    public var id: Int64?
    public var sessionId: String
    public var kind: Kind
    public var at: Date
    public var details: MilestoneDetails

    public init(sessionId: String, kind: Kind, at: Date, details: MilestoneDetails = MilestoneDetails()) {
        self.sessionId = sessionId
        self.kind = kind
        self.at = at
        self.details = details
    }
}

/// Kind-specific facts about a milestone; each kind fills its own fields.
public struct MilestoneDetails: Sendable, Hashable, Codable {
    /// Consent: the notice version and what was agreed to.
    public var noticeVersion: String?
    public var items: [String]?
    /// Reference photo: the face detector's score.
    public var faceScore: Double?
    /// Live connected: whether it replaced an earlier connection of the session.
    public var replacedConnection: Bool?
    /// Live disconnected: whether the client ended the session (rather than dropping).
    public var endedByClient: Bool?
    /// Finalized: the master video's length.
    public var masterSeconds: Double?
    /// Client events: the page's id for the event, how long the state before it lasted, and (screen
    /// check) what the browser said: `false` or `unknown`.
    public var clientEventId: String?
    public var durationMs: Double?
    public var extended: String?
    /// Gaze calibrated: `explicit` or `automatic`.
    public var calibration: String?
    /// Audio unavailable: why; audio unreadable: the chunk and what ffmpeg said.
    public var reason: String?
    public var chunk: Int?
    public var message: String?

    public init(
        noticeVersion: String? = nil, items: [String]? = nil, faceScore: Double? = nil, replacedConnection: Bool? = nil,
        endedByClient: Bool? = nil, masterSeconds: Double? = nil, clientEventId: String? = nil, durationMs: Double? = nil,
        extended: String? = nil, calibration: String? = nil, reason: String? = nil, chunk: Int? = nil, message: String? = nil
    ) {
        self.reason = reason
        self.chunk = chunk
        self.message = message
        self.clientEventId = clientEventId
        self.durationMs = durationMs
        self.extended = extended
        self.noticeVersion = noticeVersion
        self.items = items
        self.faceScore = faceScore
        self.replacedConnection = replacedConnection
        self.endedByClient = endedByClient
        self.masterSeconds = masterSeconds
        self.calibration = calibration
    }

    /// Stored as JSON in one column with these names, whatever the encoder's key strategy.
    enum CodingKeys: String, CodingKey {
        case noticeVersion = "notice_version"
        case items
        case faceScore = "face_score"
        case replacedConnection = "replaced_connection"
        case endedByClient = "ended_by_client"
        case masterSeconds = "master_seconds"
        case clientEventId = "client_event_id"
        case durationMs = "duration_ms"
        case extended
        case calibration
        case reason
        case chunk
        case message
    }
}
