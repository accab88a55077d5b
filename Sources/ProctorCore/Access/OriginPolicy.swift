/// Which browser origins may talk to the server across origins (WebSockets, CORS).
///
/// Browsers send `Origin` on WebSocket handshakes and cross-origin requests; a page from another site
/// must not drive a candidate's session or a proctor's logged-in dashboard. The server's own origin
/// is always allowed; so are the configured ones; with none configured, local development origins
/// (`localhost`, `127.0.0.1`, any port) are allowed too. A request without `Origin` (not a browser)
/// is allowed: it has to authenticate like any other.
public struct OriginPolicy: Sendable, Hashable {
    public var allowed: [String]

    public init(allowed: [String]) {
        self.allowed = allowed.map { $0.lowercased().trimmingSuffix("/") }
    }

    /// - Parameters:
    ///   - origin: the request's `Origin` header.
    ///   - host: the request's `Host` header (the server's own origin is `scheme://host`).
    public func allows(origin: String?, host: String?) -> Bool {
        guard let origin = origin?.lowercased(), !origin.isEmpty else { return true }
        if origin == "null" { return false }
        // Browsers send http(s) origins only; other schemes (e.g. `ws://localhost` from WebSocket client
        // libraries) come from programs, which authenticate like anyone else.
        guard origin.hasPrefix("http://") || origin.hasPrefix("https://") else { return true }
        if let host = host?.lowercased(), origin == "http://\(host)" || origin == "https://\(host)" { return true }
        if allowed.contains(origin) { return true }
        if allowed.isEmpty {
            for local in ["http://localhost", "http://127.0.0.1", "http://[::1]"] where origin == local || origin.hasPrefix(local + ":") {
                return true
            }
        }
        return false
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
