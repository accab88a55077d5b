import Foundation
import Logging
import ProctorCore
import ProctorRecording

/// Where the master key comes from: `PROCTOR_MASTER_KEY`, else the key file the configuration
/// names, else the embedded default `<data folder>-keys/master.key`, created (0600, in a 0700
/// folder beside the data folder, never inside it) on first start. The key is never in the
/// database and never logged; losing it loses every encrypted blob.
public struct MasterKeySource: Sendable, CustomStringConvertible {
    public enum Origin: Sendable, Hashable {
        case environment
        case file(URL)
    }

    public let origin: Origin
    /// During a rotation: `PROCTOR_PREVIOUS_MASTER_KEY`, or `<key file>.previous`.
    public let previousOrigin: Origin?

    public static let environmentName = "PROCTOR_MASTER_KEY"
    public static let previousEnvironmentName = "PROCTOR_PREVIOUS_MASTER_KEY"

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(configuration: ProctorConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let value = environment[Self.environmentName], !value.isEmpty {
            origin = .environment
            previousOrigin = environment[Self.previousEnvironmentName].map { $0.isEmpty ? nil : Origin.environment } ?? nil
        } else {
            let file = Self.keyFile(configuration)
            origin = .file(file)
            previousOrigin = .file(file.appendingPathExtension("previous"))
        }
    }

    /// The key file used when `PROCTOR_MASTER_KEY` is not set.
    public static func keyFile(_ configuration: ProctorConfiguration) -> URL {
        if !configuration.protection.masterKeyFile.isEmpty { return URL(fileURLWithPath: configuration.protection.masterKeyFile) }
        let data = URL(fileURLWithPath: configuration.server.dataDirectory).standardizedFileURL
        return data.deletingLastPathComponent().appendingPathComponent("\(data.lastPathComponent)-keys").appendingPathComponent("master.key")
    }

    public var description: String {
        switch origin {
        case .environment: "the environment (\(Self.environmentName))"
        case .file(let url): "the key file \(url.path)"
        }
    }

    /// The keyring; with `create`, a missing key file is made (the embedded first start).
    public func load(
        create: Bool, configuration: ProctorConfiguration, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> MasterKeyring {
        let current: [UInt8]
        switch origin {
        case .environment:
            current = try Self.parse(environment[Self.environmentName] ?? "", from: Self.environmentName)
        case .file(let url):
            if !FileManager.default.fileExists(atPath: url.path) {
                guard create else { throw Failure(description: "no master key: \(url.path) does not exist and \(Self.environmentName) is not set") }
                // Published with link(2), which fails if the file exists: of two processes starting
                // at once (a server and a worker), one key wins and both use it.
                try Self.write(MasterKeyring.randomBytes(MasterKeyText.byteCount), to: url, replacing: false)
                logger.notice(
                    "created the master key file \(url.path) (embedded default): it encrypts the sessions' data keys; back it up apart from the data, losing it loses the recordings"
                )
            }
            try Self.checkPermissions(url, configuration: configuration, logger: logger)
            current = try Self.parse(try String(contentsOf: url, encoding: .utf8), from: url.path)
        }
        var previous: [UInt8]?
        switch previousOrigin {
        case .environment?:
            previous = try Self.parse(environment[Self.previousEnvironmentName] ?? "", from: Self.previousEnvironmentName)
        case .file(let url)? where FileManager.default.fileExists(atPath: url.path):
            try Self.checkPermissions(url, configuration: configuration, logger: logger)
            previous = try Self.parse(try String(contentsOf: url, encoding: .utf8), from: url.path)
        default:
            previous = nil
        }
        return MasterKeyring(current: .init(bytes: current), previous: previous.map { .init(bytes: $0) })
    }

    /// Writes a key file, 0600, in a 0700 folder, atomically (a crash leaves the old key or the new one).
    public static func write(_ key: [UInt8], to url: URL, replacing: Bool = true) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(DataPermissionRule.folderMode)])
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: Data((MasterKeyText.format(key) + "\n").utf8),
                attributes: [.posixPermissions: Int(DataPermissionRule.fileMode)])
        else { throw Failure(description: "cannot write the master key file \(url.path)") }
        defer { unlink(temporary.path) }
        let published = replacing ? rename(temporary.path, url.path) : link(temporary.path, url.path)
        if published != 0, !(errno == EEXIST && !replacing) {
            throw Failure(description: "cannot write the master key file \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    static func parse(_ text: String, from origin: String) throws -> [UInt8] {
        switch MasterKeyText.parse(text) {
        case .success(let bytes): return bytes
        case .failure(let error): throw Failure(description: "\(origin) holds no valid master key: \(error)")
        }
    }

    static func checkPermissions(_ url: URL, configuration: ProctorConfiguration, logger: Logger) throws {
        guard let problem = DataFolderGuard.check(url, isFolder: false, what: "master key file") else { return }
        if configuration.server.allowSharedDataPermissions {
            logger.warning("\(problem) (allowed by server.allow_shared_data_permissions)")
            return
        }
        throw Failure(description: "refusing to start: \(problem)")
    }
}
