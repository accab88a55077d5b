/// The kinds of finding the system flags, shared by live analysis, recorded events and review.
public enum ViolationKind: String, Sendable, Hashable, Codable, CaseIterable {
    case lookingAway = "looking_away"
    /// The eyes (with the head) stayed outside the calibrated on-screen range.
    case eyesOffScreen = "eyes_off_screen"
    case noFace = "no_face"
    case multiplePeople = "multiple_people"
    case cellPhone = "cell_phone"
    case book
    case laptop
    /// Another forbidden class from a custom class map.
    case forbiddenObject = "forbidden_object"
    case identityMismatch = "identity_mismatch"
    /// Too dark or too noisy for reliable face detection: a technical condition, not behaviour.
    case poorLighting = "poor_lighting"
    case repeatedBehaviour = "repeated_behaviour"
    // What the exam page itself noticed (browser signals, `ClientEventKind`).
    case tabHidden = "tab_hidden"
    case windowBlur = "window_blur"
    case fullscreenExit = "fullscreen_exit"
    case clipboard
    case contextMenu = "context_menu"
    case printAttempt = "print_attempt"
    case secondScreen = "second_screen"
    case cameraLost = "camera_lost"
    case pageLeft = "page_left"
    case networkOffline = "network_offline"
    // What the room's sound says (speech in recorded chunks, `MouthActivityRule`).
    /// Speech while the candidate's mouth moves: the candidate speaks.
    case talking
    /// Speech while the candidate's face is in view with a still, closed mouth: someone else speaks.
    case otherVoice = "other_voice"
    /// Speech with no face in view.
    case speechNoFace = "speech_no_face"
    /// An exam that requires audio got a chunk without sound (no microphone, refused, lost).
    case audioUnavailable = "audio_unavailable"

    /// The kind for a forbidden class name from the class map.
    public init(forbiddenItem name: String) {
        self = ViolationKind(rawValue: name).flatMap { [.cellPhone, .book, .laptop].contains($0) ? $0 : nil } ?? .forbiddenObject
    }

    public var title: String {
        switch self {
        case .lookingAway: "Looking away from the screen"
        case .eyesOffScreen: "Eyes off the screen"
        case .noFace: "No face in view"
        case .multiplePeople: "More than one person in view"
        case .cellPhone: "Mobile phone in view"
        case .book: "Book in view"
        case .laptop: "Laptop in view"
        case .forbiddenObject: "Forbidden object in view"
        case .identityMismatch: "Face does not match the reference photo"
        case .poorLighting: "Poor lighting (technical)"
        case .repeatedBehaviour: "Repeated suspicious behaviour"
        case .tabHidden: "Another tab was in front of the exam"
        case .windowBlur: "Another window was in front of the exam"
        case .fullscreenExit: "Left fullscreen"
        case .clipboard: "Copied, cut or pasted text"
        case .contextMenu: "Opened the context menu"
        case .printAttempt: "Tried to print the page"
        case .secondScreen: "A second screen is connected"
        case .cameraLost: "The camera stopped"
        case .pageLeft: "Left or closed the exam page"
        case .networkOffline: "The network was offline"
        case .talking: "The candidate was talking"
        case .otherVoice: "Someone else was speaking"
        case .speechNoFace: "Speech with no face in view"
        case .audioUnavailable: "No sound was recorded"
        }
    }

    /// A technical condition of the capture (shown apart from behaviour in review), not something the candidate did.
    public var isTechnical: Bool { self == .poorLighting }

    /// Whether the exam page itself (not the camera) reports this kind.
    public var isBrowserSignal: Bool {
        switch self {
        case .tabHidden, .windowBlur, .fullscreenExit, .clipboard, .contextMenu, .printAttempt, .secondScreen, .cameraLost, .pageLeft,
            .networkOffline:
            true
        default: false
        }
    }

    /// Whether the room's sound (not the camera or the page) shows this kind.
    public var isAudioSignal: Bool {
        switch self {
        case .talking, .otherVoice, .speechNoFace, .audioUnavailable: true
        default: false
        }
    }
}
