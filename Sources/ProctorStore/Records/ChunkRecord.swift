import Foundation

/// One uploaded video chunk.
public struct ChunkRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Stored, waiting for the chunk processor.
        case uploaded
        /// Analysed; its video is ready to merge.
        case processed
        /// Could not be analysed after every attempt; left out of the master.
        case failed
        /// Joined into a batch; the chunk file is gone.
        case merged
    }

    public var sessionId: String
    public var index: Int
    public var sha256: String
    public var size: Int
    public var blobKey: String
    public var status: Status
    /// Seconds of video, known once processed.
    public var duration: Double?
    public var error: String?
    /// Blob key of the batch it was merged into.
    public var batchKey: String?
    public var uploadedAt: Date
    /// When the client started recording the chunk (its clock), to place wall-clock milestones on the video.
    public var startedAt: Date?

    public init(sessionId: String, index: Int, sha256: String, size: Int, blobKey: String, status: Status, uploadedAt: Date) {
        self.sessionId = sessionId
        self.index = index
        self.sha256 = sha256
        self.size = size
        self.blobKey = blobKey
        self.status = status
        self.uploadedAt = uploadedAt
    }
}
