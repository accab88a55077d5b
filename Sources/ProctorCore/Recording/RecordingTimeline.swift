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
    public private(set) var totalDuration = 0.0
    /// Indices from 0 to the last expected one that are missing or undecodable.
    public private(set) var gaps: [Int] = []

    public init(chunks: [Chunk], lastIndex: Int?) {
        let byIndex = Dictionary(chunks.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        let last = lastIndex ?? (chunks.map(\.index).max() ?? -1)
        var time = 0.0
        for index in 0...max(last, chunks.map(\.index).max() ?? -1) where index >= 0 {
            guard let chunk = byIndex[index], let duration = chunk.duration else {
                if index <= last { gaps.append(index) }
                continue
            }
            starts[index] = time
            time += duration
        }
        totalDuration = time
    }

    /// The master-video time of `offset` seconds into chunk `index`; nil when that chunk is not in the master.
    public func time(chunk index: Int, offset: Double) -> Double? {
        starts[index].map { $0 + offset }
    }
}
