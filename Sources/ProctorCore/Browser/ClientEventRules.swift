/// What happens to a client event: the rules that decide, validated before anything is stored.
///
/// A finding is what a reviewer should look at (another tab in front, a paste); a milestone is a
/// neutral fact for the timeline (the camera is back, the page was reopened); some events are
/// acknowledged and kept nowhere (a window blur shorter than `minimumBlurSeconds`, which is what a
/// notification popping up looks like).
public struct ClientEventRules: Sendable, Hashable, Codable {
    /// Blurs shorter than this are not findings: a system notification takes focus for a moment.
    public var minimumBlurSeconds = 2.0
    /// An event may begin at most this long before the session started (clock skew of the page).
    public var maximumSkewSeconds = 300.0
    /// The longest duration accepted: a day (an exam is hours; more is a broken clock or a forgery).
    public var maximumDurationSeconds = 86_400.0
    /// Encoded `details` larger than this are refused.
    public var maximumDetailsBytes = 1024
    /// Events per session per minute; a page that sends more is broken or hostile.
    public var eventsPerMinute = 120

    public init() {}

    public enum Outcome: Sendable, Hashable {
        case finding(ViolationKind)
        case milestone
        /// Valid, acknowledged, not stored (with the reason).
        case ignored(String)
    }

    /// Why an event was refused; `field` names the bad part.
    public struct Problem: Error, Sendable, Hashable {
        public var field: String
        public var message: String

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// Checks an event against the session's time span and the limits; returns what to do with it.
    /// - Parameters:
    ///   - sessionStart: seconds since 1970 when the session began.
    ///   - now: seconds since 1970.
    ///   - detailsBytes: the encoded size of `details`.
    ///   - audio: the exam's audio policy: where sound is required, its absence is a finding.
    public func validate(_ event: ClientEvent, sessionStart: Double, now: Double, detailsBytes: Int, audio: AudioPolicy = .on) -> Result<
        Outcome, Problem
    > {
        guard (1...64).contains(event.id.count),
            event.id.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.:".unicodeScalars.contains($0)) })
        else {
            return .failure(Problem(field: "id", message: "id must be 1-64 letters, digits, '-', '_', '.' or ':'"))
        }
        let at = event.at / 1000
        guard event.at.isFinite, at >= sessionStart - maximumSkewSeconds, at <= now + maximumSkewSeconds else {
            return .failure(Problem(field: "at", message: "at must be a time in milliseconds since 1970 within the session"))
        }
        if let duration = event.durationMs {
            guard duration.isFinite, duration >= 0, duration / 1000 <= maximumDurationSeconds else {
                return .failure(Problem(field: "duration_ms", message: "duration_ms must be 0 to \(Int(maximumDurationSeconds * 1000)) milliseconds"))
            }
            guard at + duration / 1000 <= now + maximumSkewSeconds else {
                return .failure(Problem(field: "duration_ms", message: "the event cannot end in the future"))
            }
        }
        guard detailsBytes <= maximumDetailsBytes else {
            return .failure(Problem(field: "details", message: "details are larger than \(maximumDetailsBytes) bytes"))
        }
        if event.event == .audioUnavailable {
            guard case .string(let reason)? = event.details?["reason"], Self.audioReasons.contains(reason) else {
                return .failure(
                    Problem(field: "details", message: "audio_unavailable needs details.reason: \(Self.audioReasons.sorted().joined(separator: ", "))"))
            }
        }
        return .success(outcome(event, audio: audio))
    }

    /// Why the page records no sound.
    public static let audioReasons: Set<String> = ["policy_off", "refused", "no_microphone", "lost"]

    func outcome(_ event: ClientEvent, audio: AudioPolicy = .on) -> Outcome {
        switch event.event {
        // No sound is a fact for the timeline, never flagged, unless the exam requires sound.
        case .audioUnavailable: audio == .required && event.details?["reason"] != .string("policy_off") ? .finding(.audioUnavailable) : .milestone
        case .tabHidden: .finding(.tabHidden)
        case .windowBlur:
            (event.durationMs ?? 0) / 1000 < minimumBlurSeconds
                ? .ignored("a window blur under \(minimumBlurSeconds) s is not a finding") : .finding(.windowBlur)
        case .fullscreenExit: .finding(.fullscreenExit)
        case .clipboard: .finding(.clipboard)
        case .contextMenu: .finding(.contextMenu)
        case .printAttempt: .finding(.printAttempt)
        // Only a second screen the browser reported is a finding; "unknown" or false is a fact.
        case .secondScreen: event.details?["extended"] == .bool(true) ? .finding(.secondScreen) : .milestone
        case .cameraLost: .finding(.cameraLost)
        case .pageLeft: .finding(.pageLeft)
        case .networkOffline: .finding(.networkOffline)
        case .cameraRestored, .pageReturned, .networkOnline: .milestone
        }
    }

    /// What the candidate is told once an event is recorded, in calm words; nil for neutral facts.
    public static func notice(_ event: ClientEvent) -> String? {
        let seconds = event.durationMs.map { max(1, Int(($0 / 1000).rounded())) }
        let lasting = seconds.map { " for \($0) s" } ?? ""
        return switch event.event {
        case .tabHidden: "You left the exam tab\(lasting); this has been noted."
        case .windowBlur: "Another window was in front of the exam\(lasting); this has been noted."
        case .fullscreenExit: "You left fullscreen\(lasting); this has been noted."
        case .clipboard: "Copying or pasting was noted."
        case .contextMenu, .printAttempt: nil
        case .secondScreen: event.details?["extended"] == .bool(true) ? "A second screen is connected; this has been noted." : nil
        case .cameraLost: "Your camera stopped; this has been noted. Please check it."
        case .pageLeft: nil
        case .networkOffline: "Your connection was offline\(lasting); your recording is kept and will upload."
        case .cameraRestored, .pageReturned, .networkOnline: nil
        case .audioUnavailable: nil
        }
    }
}
