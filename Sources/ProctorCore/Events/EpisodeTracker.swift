/// Turns per-frame findings into episodes: consecutive frames with the same finding become one
/// episode with a start, an end and a peak confidence.
///
/// A finding may drop out for a moment (a missed detection, a skipped frame) without ending its
/// episode: it closes only after `closeAfter` seconds without being seen. The tracker is a value;
/// ids come from the caller so that it stays deterministic.
public struct EpisodeTracker: Sendable {
    public let closeAfter: Double
    private var open: [ViolationKind: ViolationEpisode] = [:]
    /// Frames since each open episode was last seen.
    private var unseen: [ViolationKind: Int] = [:]

    public init(closeAfter: Double = 2.0) {
        self.closeAfter = closeAfter
    }

    public var openEpisodes: [ViolationEpisode] { open.values.sorted { $0.start < $1.start } }

    /// What changed on a frame.
    public struct Changes: Sendable, Hashable {
        /// Newly opened: take an evidence snapshot of this frame.
        public var opened: [ViolationEpisode] = []
        /// Open episodes whose peak rose on this frame.
        public var strengthened: [ViolationEpisode] = []
        /// Episodes that ended (their `end` is the last frame they were seen on).
        public var closed: [ViolationEpisode] = []

        public var isEmpty: Bool { opened.isEmpty && strengthened.isEmpty && closed.isEmpty }
    }

    /// Records the findings of a processed frame at `timestamp`.
    public mutating func update(findings: [Finding], at timestamp: Double, makeId: () -> String) -> Changes {
        var changes = Changes()
        let seen = Set(findings.map(\.kind))
        // Frames that did not show an open episode count towards its frame share only if it shows again
        // (frames after its last sighting are not inside it).
        for kind in open.keys where !seen.contains(kind) { unseen[kind, default: 0] += 1 }
        // Close what has not been seen for too long (also when time went backwards: a new stream).
        for (kind, episode) in open where !seen.contains(kind) {
            if timestamp - episode.end > closeAfter || timestamp < episode.end {
                changes.closed.append(episode)
                open[kind] = nil
                unseen[kind] = nil
            }
        }
        for finding in findings {
            if var episode = open[finding.kind], timestamp >= episode.end {
                episode.end = timestamp
                episode.frames += 1
                episode.strengthTotal += finding.confidence
                episode.lookedAt += 1 + (unseen.removeValue(forKey: finding.kind) ?? 0)
                if finding.confidence > episode.peakConfidence {
                    episode.peakConfidence = finding.confidence
                    episode.peakTimestamp = timestamp
                    changes.strengthened.append(episode)
                }
                open[finding.kind] = episode
            } else {
                if let stale = open[finding.kind] { changes.closed.append(stale) }
                unseen[finding.kind] = nil
                let episode = ViolationEpisode(
                    id: makeId(), kind: finding.kind, start: timestamp, end: timestamp,
                    peakConfidence: finding.confidence, peakTimestamp: timestamp, frames: 1)
                open[finding.kind] = episode
                changes.opened.append(episode)
            }
        }
        changes.closed.sort { $0.start < $1.start }
        return changes
    }

    /// Closes every open episode (end of session).
    public mutating func finish() -> [ViolationEpisode] {
        defer {
            open.removeAll()
            unseen.removeAll()
        }
        return openEpisodes
    }
}
