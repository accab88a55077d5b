/// Points each finding adds to a frame's risk score.
public struct RiskWeights: Sendable, Hashable, Codable {
    /// Looking away (head pose beyond the thresholds).
    public var gaze: Double
    /// Eyes off screen (iris and head together outside the calibrated range) while the head-pose
    /// rule does not fire. Below looking away: the eye estimate is less certain than a turned head.
    public var eyesOffScreen: Double
    /// Each forbidden item in view.
    public var forbiddenItem: Double
    /// More than one person (by faces or bodies).
    public var multiplePersons: Double
    /// No face in view: the candidate left or covered the camera.
    public var noFace: Double
    /// Poor lighting: a technical condition, 0 by default (it says nothing about the candidate's
    /// behaviour; it is shown in review so the reviewer knows why findings are less certain).
    public var poorLighting = 0.0
    /// A `no_face` on a poorly lit frame weighs this share of `noFace`: at 20 % light the detector
    /// still misses up to one face in seven (dark skin most), so a missing face there is as likely the
    /// camera's failure as the candidate's absence.
    public var noFacePoorLightingScale = 0.5
    /// Each repeated episode in the behaviour window.
    public var repeatedOccurrence: Double
    /// Repeated occurrences counted at most this many times, so one long session cannot grow without bound.
    public var maximumRepeats: Int
    /// What the exam page reports (review priority only: these never enter a frame's risk).
    public var browser: BrowserSignalWeights
    /// What the room's sound shows (review priority only, like the browser's signals).
    public var audio: AudioSignalWeights

    public init(
        gaze: Double = 20, forbiddenItem: Double = 30, multiplePersons: Double = 40, noFace: Double = 20,
        repeatedOccurrence: Double = 10, maximumRepeats: Int = 5, eyesOffScreen: Double = 15,
        browser: BrowserSignalWeights = BrowserSignalWeights(), audio: AudioSignalWeights = AudioSignalWeights()
    ) {
        self.browser = browser
        self.audio = audio
        self.gaze = gaze
        self.eyesOffScreen = eyesOffScreen
        self.forbiddenItem = forbiddenItem
        self.multiplePersons = multiplePersons
        self.noFace = noFace
        self.repeatedOccurrence = repeatedOccurrence
        self.maximumRepeats = maximumRepeats
    }

    /// Points one occurrence of `kind` adds. Identity mismatch weighs like another person in the room.
    public func points(for kind: ViolationKind) -> Double {
        switch kind {
        case .lookingAway: gaze
        case .eyesOffScreen: eyesOffScreen
        case .noFace: noFace
        case .multiplePeople, .identityMismatch: multiplePersons
        case .cellPhone, .book, .laptop, .forbiddenObject: forbiddenItem
        case .repeatedBehaviour: repeatedOccurrence
        case .poorLighting: poorLighting
        case .tabHidden: browser.tabHidden
        case .windowBlur: browser.windowBlur
        case .fullscreenExit: browser.fullscreenExit
        case .clipboard: browser.clipboard
        case .contextMenu: browser.contextMenu
        case .printAttempt: browser.printAttempt
        case .secondScreen: browser.secondScreen
        case .cameraLost: browser.cameraLost
        case .pageLeft: browser.pageLeft
        case .networkOffline: browser.networkOffline
        case .talking: audio.talking
        case .otherVoice: audio.otherVoice
        case .speechNoFace: audio.speechNoFace
        case .audioUnavailable: audio.audioUnavailable
        }
    }

    /// Points of `kind` on a frame (or finding) seen in poor light or not: a `no_face` in poor light
    /// is scaled by `noFacePoorLightingScale`.
    public func points(for kind: ViolationKind, poorLighting: Bool) -> Double {
        let points = points(for: kind)
        return kind == .noFace && poorLighting ? points * max(0, noFacePoorLightingScale) : points
    }
}

/// Review-priority points of the exam page's signals. Leaving the exam tab or window and a lost
/// camera weigh like looking away for a while (25–30: they hide what the candidate does); a
/// fullscreen exit or a paste is a prompt to look (15); the rest are context (0–10).
public struct BrowserSignalWeights: Sendable, Hashable, Codable {
    public var tabHidden = 25.0
    public var windowBlur = 25.0
    public var fullscreenExit = 15.0
    public var clipboard = 15.0
    public var contextMenu = 5.0
    public var printAttempt = 10.0
    public var secondScreen = 30.0
    public var cameraLost = 30.0
    public var pageLeft = 10.0
    public var networkOffline = 5.0

    public init() {}
}

/// Review-priority points of what the room's sound shows. Someone else speaking weighs like a
/// forbidden object (30): being told the answers is what it may be; speech with no face in view is
/// nearly as serious (25); the candidate talking is a prompt to listen (10: many read aloud, which an
/// accommodation can switch off); no sound where the exam requires it hides the room (25).
public struct AudioSignalWeights: Sendable, Hashable, Codable {
    public var talking = 10.0
    public var otherVoice = 30.0
    public var speechNoFace = 25.0
    public var audioUnavailable = 25.0

    public init() {}
}
