import ProctorCore

extension RecordingTimeline {
    /// The timeline of a session's stored chunks: processed and merged chunks are in the master with
    /// their duration; uploaded (not yet analysed) and failed ones are not.
    public init(records: [ChunkRecord], lastIndex: Int?) {
        self.init(chunks: records.map { Chunk(index: $0.index, duration: [.processed, .merged].contains($0.status) ? $0.duration : nil) },
                  lastIndex: lastIndex)
    }
}
