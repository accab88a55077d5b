import Foundation

/// Builds a typed configuration from its defaults, a JSON file, and environment variables, in that order.
///
/// Keys are snake_case. A file needs to name only what it changes: it is merged over the defaults
/// before decoding. An environment variable `PREFIX` + path segments joined by `__` overrides one
/// value, e.g. `PROCTOR_PIPELINE__SAMPLING__MOTION_THRESHOLD=12`; its value is read as JSON when it
/// parses (numbers, booleans, arrays) and as a string otherwise.
public struct ConfigurationLoader: Sendable {
    public var environmentPrefix: String

    public init(environmentPrefix: String = "PROCTOR_") {
        self.environmentPrefix = environmentPrefix
    }

    public func load<Configuration: Codable>(
        defaults: Configuration,
        file: Data? = nil,
        environment: [String: String] = [:]
    ) throws -> Configuration {
        var tree = try Self.tree(of: defaults)
        if let file {
            guard case .object(let overlay) = (try? Self.decoder.decode(JSONValue.self, from: file)) ?? .null else {
                throw ConfigurationError("the configuration file must hold a JSON object")
            }
            tree = try Self.merge(overlay, into: tree, path: [])
        }
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix(environmentPrefix) {
            let path = name.dropFirst(environmentPrefix.count).lowercased().components(separatedBy: "__")
            guard Self.contains(path: path, in: tree) else { continue }
            tree = Self.setting(Self.parse(value), at: path[...], in: tree)
        }
        let data = try JSONEncoder().encode(JSONValue.object(tree))
        do {
            return try Self.decoder.decode(Configuration.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
            throw ConfigurationError("invalid value at \(Self.describe(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ConfigurationError("missing value at \(Self.describe(context.codingPath))")
        }
    }

    /// Environment variable names that would override each leaf value, with the value now in force.
    public func environmentVariables<Configuration: Codable>(for configuration: Configuration) throws -> [(name: String, value: String)] {
        var result: [(String, String)] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func walk(_ node: JSONValue, _ path: [String]) {
            if case .object(let object) = node {
                for key in object.keys.sorted() { walk(object[key] ?? .null, path + [key]) }
            } else {
                let data = (try? encoder.encode(node)) ?? Data()
                result.append((environmentPrefix + path.joined(separator: "__").uppercased(), String(decoding: data, as: UTF8.self)))
            }
        }
        walk(.object(try Self.tree(of: configuration)), [])
        return result
    }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    private static func tree<Configuration: Encodable>(of value: Configuration) throws -> [String: JSONValue] {
        guard case .object(let tree) = try JSONDecoder().decode(JSONValue.self, from: try encoder.encode(value)) else {
            throw ConfigurationError("the configuration must encode as a JSON object")
        }
        return tree
    }

    private static func merge(_ overlay: [String: JSONValue], into base: [String: JSONValue], path: [String]) throws -> [String: JSONValue] {
        var result = base
        for (key, value) in overlay {
            guard let existing = base[key] else {
                throw ConfigurationError("unknown setting \(describe(path + [key]))")
            }
            if case .object(let nested) = value, case .object(let existingNested) = existing {
                result[key] = .object(try merge(nested, into: existingNested, path: path + [key]))
            } else {
                result[key] = value
            }
        }
        return result
    }

    private static func contains(path: [String], in tree: [String: JSONValue]) -> Bool {
        var node = JSONValue.object(tree)
        for key in path {
            guard case .object(let object) = node, let next = object[key] else { return false }
            node = next
        }
        return true
    }

    private static func setting(_ value: JSONValue, at path: ArraySlice<String>, in tree: [String: JSONValue]) -> [String: JSONValue] {
        var result = tree
        guard let key = path.first else { return result }
        if path.count == 1 {
            result[key] = value
        } else {
            let child: [String: JSONValue] = if case .object(let object) = tree[key] ?? .null { object } else { [:] }
            result[key] = .object(setting(value, at: path.dropFirst(), in: child))
        }
        return result
    }

    private static func parse(_ value: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(value.utf8))) ?? .string(value)
    }

    private static func describe(_ path: [any CodingKey]) -> String {
        describe(path.map(\.stringValue))
    }

    private static func describe(_ path: [String]) -> String {
        path.isEmpty ? "(top level)" : path.joined(separator: ".")
    }
}

/// A configuration file or variable that cannot be used, with the reason.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
