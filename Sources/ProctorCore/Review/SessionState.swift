/// Where a session is in its life, as the dashboard shows it: one word a proctor can trust.
///
/// Decided from plain facts the store has (`Facts`), in this order:
/// 1. `finalized`: the recording's master video is done (the finalizer ran).
/// 2. `processing`: the candidate ended and there is video to finish (end requested, chunks declared, not finalized),
///    unless the finalize job failed for good (then `ended`: nothing more will happen without an operator).
/// 3. `ended`: the candidate ended and no video piece was ever declared (nothing to process, the finalizer only closes it).
/// 4. `live`: connected now (to any server).
/// 5. `ended`: a live-only session (no recording) that is not connected any more.
/// 6. `invited`: a recorded session whose candidate has not given consent yet (the link was not opened, or opened and not accepted).
/// 7. `processing`: consented, not connected, with uploaded pieces still waiting for analysis.
/// 8. `waiting`: consented, not streaming (the camera check, or between connections).
public enum SessionState: String, Sendable, Hashable, Codable, CaseIterable {
    case invited
    case waiting
    case live
    case ended
    case processing
    case finalized

    /// What the store knows about one session.
    public struct Facts: Sendable, Hashable {
        /// The session has a recording (an invitation); false for a live-only session.
        public var recorded: Bool
        /// The candidate gave consent (the recording's consent time is set).
        public var consented: Bool
        /// Connected to a server now (its live presence is fresh).
        public var live: Bool
        /// The candidate ended the exam (the recording's `end_requested_at`).
        public var endRequested: Bool
        /// The highest chunk index the session declared or stored (`last_index`), nil or negative when none.
        public var lastIndex: Int?
        /// The master video is finished (`finalized_at`).
        public var finalized: Bool
        /// Uploaded chunks not yet analysed.
        public var pendingChunks: Int
        /// The finalize job failed after every attempt and none is waiting (the job queue's state).
        public var finalizeFailed: Bool

        public init(
            recorded: Bool, consented: Bool = false, live: Bool = false, endRequested: Bool = false, lastIndex: Int? = nil,
            finalized: Bool = false, pendingChunks: Int = 0, finalizeFailed: Bool = false
        ) {
            self.recorded = recorded
            self.consented = consented
            self.live = live
            self.endRequested = endRequested
            self.lastIndex = lastIndex
            self.finalized = finalized
            self.pendingChunks = pendingChunks
            self.finalizeFailed = finalizeFailed
        }
    }

    public init(_ facts: Facts) {
        if facts.recorded, facts.finalized {
            self = .finalized
        } else if facts.recorded, facts.endRequested {
            let video = (facts.lastIndex ?? -1) >= 0 || facts.pendingChunks > 0
            self = video && !facts.finalizeFailed ? .processing : .ended
        } else if facts.live {
            self = .live
        } else if !facts.recorded {
            self = .ended
        } else if !facts.consented {
            self = .invited
        } else if facts.pendingChunks > 0 {
            self = .processing
        } else {
            self = .waiting
        }
    }

    /// Whether reading the session's chunks can change the answer (only then is `pendingChunks` worth a query).
    public static func needsChunkCount(_ facts: Facts) -> Bool {
        facts.recorded && facts.consented && !facts.finalized && !facts.live && !facts.endRequested
    }

    /// Whether reading the session's jobs can change the answer (only then is `finalizeFailed` worth a query).
    public static func needsJobState(_ facts: Facts) -> Bool {
        facts.recorded && facts.endRequested && !facts.finalized && (facts.lastIndex ?? -1) >= 0
    }
}
