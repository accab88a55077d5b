/// The HTTP and WebSocket server.
public struct ServerConfiguration: Sendable, Hashable, Codable {
    /// 127.0.0.1 serves this machine only; 0.0.0.0 serves the network (put TLS in front).
    public var host = "127.0.0.1"
    public var port = 8000
    /// SQLite database, evidence snapshots and uploads live here.
    public var dataDirectory = "data"
    /// Largest decoded frame accepted over the WebSocket, in bytes.
    public var maxFrameBytes = 2 * 1024 * 1024
    /// Frames per second a client may send; more are answered with `rate_limited`.
    public var maxClientFps = 15.0
    /// Bad messages allowed in `errorWindowSeconds` before the connection is closed (policy violation).
    public var maxErrors = 30
    public var errorWindowSeconds = 10.0
    /// Longest accepted session id; ids use letters, digits, '-', '_' and '.'.
    public var maxSessionIdLength = 128
    /// An episode ends after its finding has not been seen for this many seconds.
    public var episodeGapSeconds = 2.0
    /// JPEG quality of evidence snapshots.
    public var evidenceQuality = 80
    /// Folder with the web app (candidate page, dashboard, assets); empty serves the copy built into
    /// the binary. Point it at `Sources/ProctorServer/Web` to edit pages without rebuilding.
    public var webRoot = ""

    public init() {}
}
