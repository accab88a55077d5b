import Foundation
import PostgresNIO

/// Where a PostgreSQL database is, written as a libpq-style URL:
/// `postgres://user:password@host:port/database?sslmode=disable` (`postgresql://` too).
///
/// The password is optional (trust or peer setups have none), the port defaults to 5432 and the
/// database to the user's name, as libpq does. Only `sslmode` is read from the query. TLS is off
/// unless asked for: the server is usually on the same host or a private network, and a deployment
/// that crosses a network says `sslmode=require` (or `verify-ca`, `verify-full`) explicitly.
public struct PostgresURL: Sendable, Hashable {
    /// How the connection uses TLS, after libpq's `sslmode`.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP (`disable`, and `allow`/`prefer`, which libpq falls back from anyway).
        case disable
        /// Encrypted, without checking the server's certificate (`require`).
        case require
        /// Encrypted, with the certificate checked against the trusted roots but not the host name.
        case verifyCA = "verify-ca"
        /// Encrypted, with the certificate and host name checked.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String, tls: TLSMode = .disable) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Parses a URL; throws `PostgresURLError` naming what is wrong (never echoing the password).
    public init(_ string: String) throws(PostgresURLError) {
        guard let components = URLComponents(string: string), let scheme = components.scheme?.lowercased() else {
            throw .invalid("not a URL")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw .invalid("the scheme must be postgres:// or postgresql://, not \(scheme)://")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalid("no host") }
        guard let username = components.user, !username.isEmpty else { throw .invalid("no user name") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw .invalid("port \(port) is out of range") }
        var database = components.path
        if database.hasPrefix("/") { database.removeFirst() }
        guard !database.contains("/") else { throw .invalid("the path must be just the database name") }

        var tls = TLSMode.disable
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else { continue }
            switch item.value ?? "" {
            case "disable", "allow", "prefer": tls = .disable
            case "require": tls = .require
            case "verify-ca": tls = .verifyCA
            case "verify-full": tls = .verifyFull
            case let other: throw .invalid("unknown sslmode \"\(other)\"")
            }
        }
        // IPv6 literals come back in brackets; the socket wants the bare address.
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.init(
            host: bareHost, port: port, username: username, password: components.password,
            database: database.isEmpty ? username : database, tls: tls)
    }

    /// The same server and credentials, another database (tests create and drop their own).
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// Settings for a connection pool (`PostgresClient`).
    public var clientConfiguration: PostgresClient.Configuration {
        let tlsSetting: PostgresClient.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .require, .verifyCA, .verifyFull: .require(tlsConfiguration)
            }
        return PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tlsSetting)
    }

    /// Settings for a single connection (`PostgresConnection.connect`), outside any pool.
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tlsSetting: PostgresConnection.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .require, .verifyCA, .verifyFull: .require(try NIOSSLContext(configuration: tlsConfiguration))
            }
        return PostgresConnection.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tlsSetting)
    }

    private var tlsConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable, .verifyFull: break
        case .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        }
        return configuration
    }
}

extension PostgresURL: CustomStringConvertible {
    /// The URL without its password, for logs.
    public var description: String {
        let authority = password == nil ? username : "\(username):***"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let query = tls == .disable ? "" : "?sslmode=\(tls.rawValue)"
        return "postgres://\(authority)@\(hostPart):\(port)/\(database)\(query)"
    }
}

/// A database URL that cannot be used.
public enum PostgresURLError: Error, Hashable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let reason): "invalid PostgreSQL URL: \(reason)"
        }
    }
}
