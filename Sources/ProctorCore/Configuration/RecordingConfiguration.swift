/// Recorded sessions: uploads, analysis of chunks, merging, workers.
public struct RecordingConfiguration: Sendable, Hashable, Codable {
    /// Default chunk length a client records, seconds.
    public var chunkSeconds = 20.0
    /// Largest accepted chunk upload, bytes.
    public var maxChunkBytes = 64 * 1024 * 1024
    /// Largest accepted reference photo, bytes.
    public var maxReferenceBytes = 8 * 1024 * 1024
    /// Largest accepted gaze calibration body (five targets of a few base64 webcam JPEGs; 15
    /// frames of 640x480 at quality 0.8 are about 1 MB), bytes.
    public var maxCalibrationBytes = 4 * 1024 * 1024
    /// Frames analysed per second of recorded video.
    public var sampleFps = 2.0
    /// Seconds between identity checks against the reference photo.
    public var identityIntervalSeconds = 2.0
    /// An event ends after its finding is missing for this long, seconds.
    public var eventGapSeconds = 1.0
    /// Sampled frames a finding must be seen on to become an event: a single missed face detection
    /// or a one-frame object blip is not worth a reviewer's time.
    public var minimumEventFrames = 2
    /// Processed chunks joined per batch before the final merge.
    public var batchSize = 3
    /// After END_SESSION, how long the finalizer waits for missing chunks before reporting them as gaps.
    public var finalizeGraceSeconds = 60.0
    /// Reference photo checks: smallest face side in pixels, darkest mean brightness, least sharpness.
    public var referenceMinimumFaceSize = 60.0
    public var referenceMinimumBrightness = 40.0
    public var referenceMinimumSharpness = 15.0
    /// `proctor serve` also runs a worker for every job kind (one machine, nothing else to start).
    /// Turn off when dedicated `proctor worker` processes do the work.
    public var embeddedWorker = true
    /// Seconds an idle worker waits before looking for jobs again.
    public var pollSeconds = 0.5
    public var jobs = JobPolicy()

    public init() {}
}
