import ProctorCore

extension RecordingTimeline {
    /// The timeline of a session's stored chunks: processed and merged chunks are in the master with
    /// their duration; uploaded (not yet analysed) and failed ones are not.
    public init(records: [ChunkRecord], lastIndex: Int?) {
        self.init(
            chunks: records.map { Chunk(index: $0.index, duration: [.processed, .merged].contains($0.status) ? $0.duration : nil) },
            lastIndex: lastIndex)
    }
}

extension ChunkRecord {
    /// When the browser started recording each chunk (index → seconds since 1970): what places
    /// wall-clock moments (milestones, browser findings) on the video.
    public static func startTimes(_ chunks: [ChunkRecord]) -> [Int: Double] {
        Dictionary(chunks.compactMap { chunk in chunk.startedAt.map { (chunk.index, $0.timeIntervalSince1970) } }, uniquingKeysWith: { first, _ in first })
    }
}
