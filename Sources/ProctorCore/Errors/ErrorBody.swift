/// The one error envelope, `{"type":"error","code","message"}`, for HTTP answers and WebSocket
/// messages alike; a refused reference photo adds why and how many faces were seen.
public struct ErrorBody: Sendable, Hashable, Codable {
    public var type = "error"
    public var code: ErrorCode
    public var message: String
    /// `reference_rejected`: the check that failed (`no_face`, `too_dark`, …); `calibration_rejected`:
    /// `no_face`, `eyes_not_found` or `not_frontal`.
    public var reason: String?
    /// `reference_rejected`: faces found in the photo.
    public var faces: Int?
    /// A refused client event: its id, so the page stops resending it.
    public var id: String?

    public init(code: ErrorCode, message: String, reason: String? = nil, faces: Int? = nil, id: String? = nil) {
        self.code = code
        self.message = message
        self.reason = reason
        self.faces = faces
        self.id = id
    }
}
