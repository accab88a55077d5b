import Foundation
import ProctorCore

/// One finding, whatever saw it: a live episode or an event in a recorded chunk. It carries its
/// place in time (the session's live clock, the chunk, the master video), its evidence and the
/// reviewer's decision.
public struct FindingRecord: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var sessionId: String
    public var source: FindingSource
    public var type: ViolationKind
    /// Points the finding adds to the risk score: how serious the kind is.
    public var severity: Double
    /// Seconds on the live stream's clock (live findings).
    public var sessionStart: Double?
    public var sessionEnd: Double?
    /// The chunk that showed it and the seconds into that chunk (recorded findings).
    public var chunkIndex: Int?
    public var chunkStart: Double?
    public var chunkEnd: Double?
    /// Seconds into the master video, set by the finalizer (or computed on read before that).
    public var videoStart: Double?
    public var videoEnd: Double?
    /// When it began and ended on the wall clock (browser findings: the page's clock; others: the
    /// server's), which places it on the video through the chunks' start times.
    public var startedAt: Date?
    public var endedAt: Date?
    /// How sure the finding is (`FindingConfidence`; sound findings: the voice and mouth measures).
    public var confidence: Double
    /// Analysed frames that showed it.
    public var frames: Int
    public var details: FindingDetails
    /// Blob key of the JPEG snapshot (`sessions/<id>/evidence/<finding>.jpg`).
    public var evidenceKey: String?
    public var decision: FindingDecision?
    public var note: String?
    /// Who last decided or annotated it.
    public var reviewer: String?
    public var reviewedAt: Date?
    public var createdAt: Date

    public init(
        id: String, sessionId: String, source: FindingSource, type: ViolationKind, severity: Double, confidence: Double,
        frames: Int, details: FindingDetails = FindingDetails(), evidenceKey: String?, createdAt: Date
    ) {
        self.id = id
        self.sessionId = sessionId
        self.source = source
        self.type = type
        self.severity = severity
        self.confidence = confidence
        self.frames = frames
        self.details = details
        self.evidenceKey = evidenceKey
        self.createdAt = createdAt
    }

    /// Seconds the finding lasted on its own clock.
    public var duration: Double {
        switch source {
        case .live: max(0, (sessionEnd ?? 0) - (sessionStart ?? 0))
        // Findings cut by a chunk boundary are joined on the video clock (`SpanJoiner`).
        case .recorded, .audio: videoStart != nil && videoEnd != nil ? max(0, (videoEnd ?? 0) - (videoStart ?? 0)) : max(0, (chunkEnd ?? 0) - (chunkStart ?? 0))
        case .browser: max(0, (endedAt ?? startedAt ?? Date.distantPast).timeIntervalSince(startedAt ?? Date.distantPast))
        }
    }
}

/// Kind-specific facts about a finding; every field is optional, so each source fills what it knows.
public struct FindingDetails: Sendable, Hashable, Codable {
    /// Identity: the lowest cosine similarity to the reference photo over the finding.
    public var lowestSimilarity: Double?
    /// Identity: `different` or `uncertain`.
    public var verdict: IdentityVerdict?
    /// Identity: the similarity a match needs.
    public var matchThreshold: Double?
    /// Browser: the page's id for the event.
    public var clientEventId: String?
    /// Browser clipboard: `copy`, `cut` or `paste`; the text's length (never the text).
    public var action: String?
    public var textLength: Int?
    /// Browser second screen: what the browser said.
    public var extended: Bool?
    /// Speech: the voice model's mean probability over the segment.
    public var speechProbability: Double?
    /// Speech: how much the lip opening varied (standard deviation) and its mean, the share of the
    /// frames with a face in view, and the frames looked at (`MouthActivityRule`).
    public var mouthMovement: Double?
    public var mouthOpening: Double?
    public var faceShare: Double?
    public var mouthFrames: Int?
    /// Speech: the chunks a segment was joined from, when a chunk boundary cut it.
    public var joinedChunks: [Int]?
    /// Audio unavailable: why (`no_audio`, `unreadable`).
    public var audioStatus: String?
    /// No face: at least one of its frames was poorly lit (the camera may not have seen the face),
    /// so it weighs less (`RiskWeights.noFacePoorLightingScale`).
    public var poorLighting: Bool?
    /// Episodes: the mean per-frame strength, the share of the frames looked at while it was open
    /// that showed it, and how many were looked at: what its confidence is made of (`FindingConfidence`).
    public var strength: Double?
    public var frameShare: Double?
    public var lookedAtFrames: Int?

    public init(
        lowestSimilarity: Double? = nil, verdict: IdentityVerdict? = nil, matchThreshold: Double? = nil, clientEventId: String? = nil,
        action: String? = nil, textLength: Int? = nil, extended: Bool? = nil, speechProbability: Double? = nil, mouthMovement: Double? = nil,
        mouthOpening: Double? = nil, faceShare: Double? = nil, mouthFrames: Int? = nil, joinedChunks: [Int]? = nil, audioStatus: String? = nil,
        poorLighting: Bool? = nil
    ) {
        self.speechProbability = speechProbability
        self.mouthMovement = mouthMovement
        self.mouthOpening = mouthOpening
        self.faceShare = faceShare
        self.mouthFrames = mouthFrames
        self.joinedChunks = joinedChunks
        self.audioStatus = audioStatus
        self.lowestSimilarity = lowestSimilarity
        self.verdict = verdict
        self.matchThreshold = matchThreshold
        self.clientEventId = clientEventId
        self.action = action
        self.textLength = textLength
        self.extended = extended
        self.poorLighting = poorLighting
    }

    /// Stored as JSON in one column with these names, whatever the encoder's key strategy.
    enum CodingKeys: String, CodingKey {
        case lowestSimilarity = "lowest_similarity"
        case verdict
        case matchThreshold = "match_threshold"
        case clientEventId = "client_event_id"
        case action
        case textLength = "text_length"
        case extended
        case speechProbability = "speech_probability"
        case mouthMovement = "mouth_movement"
        case mouthOpening = "mouth_opening"
        case faceShare = "face_share"
        case mouthFrames = "mouth_frames"
        case joinedChunks = "joined_chunks"
        case audioStatus = "audio_status"
        case poorLighting = "poor_lighting"
        case strength
        case frameShare = "frame_share"
        case lookedAtFrames = "looked_at_frames"
    }
}
