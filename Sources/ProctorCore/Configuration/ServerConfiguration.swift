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
    /// Origins (scheme://host:port) allowed to open WebSockets and make cross-origin API calls, besides
    /// the server's own. Pages served by Proctor itself never need an entry; `http://localhost:*` and
    /// `http://127.0.0.1:*` are allowed while this list is empty (development).
    public var allowedOrigins: [String] = []
    /// API requests allowed per client address per minute (429 beyond); uploads and frames have their own limits.
    public var requestsPerMinute = 1200
    /// Chunk uploads allowed per session per minute (a 20 s chunk needs 3; retries need a few more).
    public var chunkUploadsPerMinute = 30
    /// A live connection that sends nothing (no frame, no ping) for this long is closed.
    public var liveIdleSeconds = 120.0
    /// Trust `X-Forwarded-For` for the client address (only behind your own reverse proxy).
    public var trustForwardedFor = false
    /// Accept a data folder or database that other users can read (a shared mount with its own
    /// access control). Off: like PostgreSQL, the server refuses to start on such a folder.
    public var allowSharedDataPermissions = false

    public init() {}
}
