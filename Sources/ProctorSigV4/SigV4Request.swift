/// What SigV4 signs of a request: method, path (not yet encoded), query parameters (not yet
/// encoded) and the headers to sign, `host` among them. The body enters as its SHA-256 only.
public struct SigV4Request: Sendable, Hashable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    public var headers: [(name: String, value: String)]

    public init(method: String, path: String, query: [(String, String)] = [], headers: [(name: String, value: String)]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }

    public static func == (lhs: SigV4Request, rhs: SigV4Request) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.query.elementsEqual(rhs.query, by: ==)
            && lhs.headers.elementsEqual(rhs.headers, by: { $0.name == $1.name && $0.value == $1.value })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(path)
        for (name, value) in query {
            hasher.combine(name)
            hasher.combine(value)
        }
        for header in headers {
            hasher.combine(header.name)
            hasher.combine(header.value)
        }
    }
}

/// An access key pair. `description` never shows the secret, so it cannot reach a log by accident.
public struct SigV4Credentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String

    public init(accessKeyID: String, secretAccessKey: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
    }

    public var description: String { "\(accessKeyID) (secret hidden)" }
}
