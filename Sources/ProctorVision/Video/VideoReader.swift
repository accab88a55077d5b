import CProctorVision

/// Reads a video file frame by frame with OpenCV's FFmpeg backend.
public final class VideoReader {
    private let handle: OpaquePointer
    public let path: String
    private var lastTimestamp: Double?

    public init(path: String) throws(VisionError) {
        handle = try created("cannot open video \(path)") { pv_video_open(path, $0) }
        self.path = path
    }

    deinit {
        pv_video_close(handle)
    }

    /// Frames per second as the container states it; 0 when unknown.
    public var framesPerSecond: Double {
        let fps = pv_video_fps(handle)
        return fps.isFinite && fps > 0 ? fps : 0
    }

    public var frameCount: Int { Int(max(0, pv_video_frame_count(handle))) }

    /// The next frame and its position in seconds, nil at the end.
    public func nextFrame() throws(VisionError) -> (image: Image, timestamp: Double)? {
        var position = 0.0
        var status = pv_status()
        guard let frame = pv_video_next(handle, &position, &status) else {
            if status.code != PV_OK { throw VisionError(status: status, context: "cannot read \(path)") }
            return nil
        }
        let timestamp = Self.monotonic(position / 1000, after: lastTimestamp, framesPerSecond: framesPerSecond)
        lastTimestamp = timestamp
        return (Image(handle: frame), timestamp)
    }

    /// Advances to the next frame and gives its position in seconds without making its image (nil
    /// at the end); `retrieve()` then makes the image of that frame, when it is wanted. Most frames
    /// of a recorded chunk are not analysed: skipping their colour conversion and copy is most of
    /// what reading them costs after the decoder.
    public func grab() throws(VisionError) -> Double? {
        var position = 0.0
        var status = pv_status()
        guard pv_video_grab(handle, &position, &status) == 1 else {
            if status.code != PV_OK { throw VisionError(status: status, context: "cannot read \(path)") }
            return nil
        }
        let timestamp = Self.monotonic(position / 1000, after: lastTimestamp, framesPerSecond: framesPerSecond)
        lastTimestamp = timestamp
        return timestamp
    }

    /// The image of the frame `grab()` last advanced to.
    public func retrieve() throws(VisionError) -> Image {
        Image(handle: try created("cannot decode a frame of \(path)") { pv_video_retrieve(handle, $0) })
    }

    /// The FFmpeg backend reports position 0 for the last frame of some files (and may repeat a
    /// position); a frame's time must still come after the previous one, so such a frame is placed
    /// one frame interval later.
    static func monotonic(_ reported: Double, after previous: Double?, framesPerSecond: Double) -> Double {
        guard let previous, reported <= previous else { return reported }
        return previous + (framesPerSecond > 0 ? 1 / framesPerSecond : 1.0 / 30)
    }
}

/// A video reader that CV jobs can share: it hops between worker threads, one job at a time
/// (each `next()` is awaited before the next is scheduled), never concurrently.
public final class SequentialVideoReader: @unchecked Sendable {
    private let reader: VideoReader

    public init(_ reader: VideoReader) {
        self.reader = reader
    }

    public var framesPerSecond: Double { reader.framesPerSecond }

    /// The next frame and its time in seconds, nil at the end.
    public func next() throws(VisionError) -> (image: Image, timestamp: Double)? {
        try reader.nextFrame()
    }

    /// The next frame's time, without its image (see `VideoReader.grab`).
    public func grab() throws(VisionError) -> Double? {
        try reader.grab()
    }

    /// The image of the frame last grabbed.
    public func retrieve() throws(VisionError) -> Image {
        try reader.retrieve()
    }
}
