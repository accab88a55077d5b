/// What the exam page reports about itself (`client_event` messages from the SDK).
public enum ClientEventKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Page Visibility: the exam tab was hidden (another tab or app in front), with the hidden time.
    case tabHidden = "tab_hidden"
    /// The exam window lost focus while visible (another window on top).
    case windowBlur = "window_blur"
    /// The page left fullscreen, with the time outside.
    case fullscreenExit = "fullscreen_exit"
    /// Copy, cut or paste: the action and the text's length, never the text.
    case clipboard
    case contextMenu = "context_menu"
    case printAttempt = "print_attempt"
    /// `screen.isExtended` where the browser tells; `extended` true, false or "unknown".
    case secondScreen = "second_screen"
    /// The camera track ended or was muted, or the camera could not be opened again.
    case cameraLost = "camera_lost"
    case cameraRestored = "camera_restored"
    /// The exam page was left or closed (sent with `sendBeacon`).
    case pageLeft = "page_left"
    /// The exam page was opened again in the same session (a reload).
    case pageReturned = "page_returned"
    case networkOffline = "network_offline"
    case networkOnline = "network_online"
    /// The page records no sound: `details.reason` is `policy_off`, `refused`, `no_microphone` or
    /// `lost` (the microphone stopped during the exam).
    case audioUnavailable = "audio_unavailable"
}
