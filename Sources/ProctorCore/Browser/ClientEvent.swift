/// One event the exam page reports: `{"type":"client_event","id","event","at","duration_ms"?,"details"?}`
/// (snake_case keys, decoded like every API body with `convertFromSnakeCase`).
public struct ClientEvent: Sendable, Hashable, Codable {
    /// The page's own id for the event: the same id sent again is the same event (idempotency).
    public var id: String
    public var event: ClientEventKind
    /// When it began, in milliseconds since 1970 (the page's clock).
    public var at: Double
    /// How long it lasted, for kinds that have a duration.
    public var durationMs: Double?
    /// Kind-specific facts: `action` and `length` for clipboard, `extended` for second_screen, …
    public var details: [String: JSONValue]?

    public init(id: String, event: ClientEventKind, at: Double, durationMs: Double? = nil, details: [String: JSONValue]? = nil) {
        self.id = id
        self.event = event
        self.at = at
        self.durationMs = durationMs
        self.details = details
    }
}

/// A client event as it arrives, before its shape is checked: every field may be missing or of the
/// wrong type, so one bad event is refused by name (and by id, when it has one) instead of making
/// its whole message unreadable.
public struct ClientEventDraft: Sendable, Hashable, Decodable {
    public var id: JSONValue?
    public var event: JSONValue?
    public var at: JSONValue?
    public var durationMs: JSONValue?
    public var details: JSONValue?

    public init(id: JSONValue? = nil, event: JSONValue? = nil, at: JSONValue? = nil, durationMs: JSONValue? = nil, details: JSONValue? = nil) {
        self.id = id
        self.event = event
        self.at = at
        self.durationMs = durationMs
        self.details = details
    }

    /// The event's id, when it is a string: what a refusal names so the page stops resending.
    public var readableId: String? {
        if case .string(let value)? = id { return String(value.prefix(64)) }
        return nil
    }

    /// The typed event, or the first problem with its shape.
    public func checked() -> Result<ClientEvent, ClientEventRules.Problem> {
        guard case .string(let id)? = id else { return .failure(.init(field: "id", message: "a client event needs a string \"id\"")) }
        guard case .string(let name)? = event else { return .failure(.init(field: "event", message: "a client event needs an \"event\" kind")) }
        guard let kind = ClientEventKind(rawValue: name) else {
            return .failure(
                .init(
                    field: "event",
                    message: "unknown client event kind \"\(name.prefix(40))\"; known: \(ClientEventKind.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        guard case .number(let at)? = at else { return .failure(.init(field: "at", message: "\"at\" must be milliseconds since 1970")) }
        var duration: Double?
        switch durationMs {
        case nil, .null?: duration = nil
        case .number(let value)?: duration = value
        default: return .failure(.init(field: "duration_ms", message: "\"duration_ms\" must be a number of milliseconds"))
        }
        var fields: [String: JSONValue]?
        switch details {
        case nil, .null?: fields = nil
        case .object(let value)?: fields = value
        default: return .failure(.init(field: "details", message: "\"details\" must be an object"))
        }
        return .success(ClientEvent(id: id, event: kind, at: at, durationMs: duration, details: fields))
    }
}
