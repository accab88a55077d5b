/// Where each chunk sits in the merged master video, and what is missing.
///
/// The master is the processed chunks joined in index order, so a chunk starts where the previous
/// present chunk ended; an event at `offset` seconds into chunk `i` is at `start(i) + offset` in the
/// master. Missing or failed chunks leave gaps that are reported, not waited on.
public struct RecordingTimeline: Sendable, Hashable {
    public struct Chunk: Sendable, Hashable {
        public var index: Int
        /// Seconds of video, nil when the chunk could not be decoded.
        public var duration: Double?

        public init(index: Int, duration: Double?) {
            self.index = index
            self.duration = duration
        }
    }

    /// Chunks that made it into the master, in order, with their start times.
    public private(set) var starts: [Int: Double] = [:]
    /// Seconds of each chunk in the master.
    public private(set) var durations: [Int: Double] = [:]
    public private(set) var totalDuration = 0.0
    /// Indices from 0 to the last expected one that are missing or undecodable.
    public private(set) var gaps: [Int] = []

    public init(chunks: [Chunk], lastIndex: Int?) {
        let byIndex = Dictionary(chunks.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        let last = lastIndex ?? (chunks.map(\.index).max() ?? -1)
        var time = 0.0
        // `stride`, not a closed range: a session with no chunks yet has nothing to walk (0 through -1).
        for index in stride(from: 0, through: max(last, chunks.map(\.index).max() ?? -1), by: 1) {
            guard let chunk = byIndex[index], let duration = chunk.duration else {
                if index <= last { gaps.append(index) }
                continue
            }
            starts[index] = time
            durations[index] = duration
            time += duration
        }
        totalDuration = time
    }

    /// The master-video time of `offset` seconds into chunk `index`; nil when that chunk is not in the master.
    public func time(chunk index: Int, offset: Double) -> Double? {
        starts[index].map { $0 + offset }
    }

    /// The master-video time of a wall-clock moment (seconds since 1970), given when the client started
    /// recording each chunk. Used to place milestones (reconnects, the end) that happen outside any
    /// analysis: the moment falls in the last chunk that started before it, clamped to that chunk's
    /// length; moments before the first chunk map to 0. Nil when no chunk start is known.
    public func time(wallClock: Double, chunkStarts: [Int: Double]) -> Double? {
        let known = chunkStarts.filter { starts[$0.key] != nil }.sorted { $0.key < $1.key }
        guard let first = known.first else { return nil }
        guard wallClock >= first.value else { return 0 }
        let chunk = known.last { $0.value <= wallClock } ?? first
        let start = starts[chunk.key] ?? 0
        return start + min(max(0, wallClock - chunk.value), durations[chunk.key] ?? 0)
    }
}
