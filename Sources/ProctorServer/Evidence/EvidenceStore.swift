import Foundation

/// Evidence snapshots on disk: `<data>/evidence/<session id>/<violation id>.jpg`.
///
/// Ids are checked before they become path components, so no request can reach outside the folder.
public struct EvidenceStore: Sendable {
    public let root: URL

    public init(dataDirectory: URL) {
        root = dataDirectory.appendingPathComponent("evidence")
    }

    /// Writes a snapshot atomically (temporary file, then rename); returns its path relative to the data directory.
    public func save(_ jpeg: [UInt8], sessionId: String, violationId: String) throws -> String {
        guard Self.isSafe(sessionId), Self.isSafe(violationId) else { throw EvidenceError.unsafeIdentifier }
        let folder = root.appendingPathComponent(sessionId)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let target = folder.appendingPathComponent("\(violationId).jpg")
        try Data(jpeg).write(to: target, options: .atomic)
        return "evidence/\(sessionId)/\(violationId).jpg"
    }

    /// The bytes of a snapshot by its relative path, nil when missing or unsafe.
    public func load(relativePath: String) -> Data? {
        url(relativePath: relativePath).flatMap { FileManager.default.contents(atPath: $0.path) }
    }

    /// Deletes one snapshot by its relative path; false when it was not there (or the path is unsafe).
    @discardableResult
    public func delete(relativePath: String) -> Bool {
        guard let url = url(relativePath: relativePath), FileManager.default.fileExists(atPath: url.path) else { return false }
        return (try? FileManager.default.removeItem(at: url)) != nil
    }

    /// Deletes the session's evidence folder; returns how many snapshots went.
    public func deleteSession(_ sessionId: String) -> Int {
        guard Self.isSafe(sessionId) else { return 0 }
        let folder = root.appendingPathComponent(sessionId)
        let count = (try? FileManager.default.contentsOfDirectory(atPath: folder.path).count) ?? 0
        try? FileManager.default.removeItem(at: folder)
        return count
    }

    private func url(relativePath: String) -> URL? {
        let parts = relativePath.split(separator: "/").map(String.init)
        guard parts.count == 3, parts[0] == "evidence", Self.isSafe(parts[1]), parts[2].hasSuffix(".jpg"),
              Self.isSafe(String(parts[2].dropLast(4))) else { return nil }
        return root.appendingPathComponent(parts[1]).appendingPathComponent(parts[2])
    }

    /// Letters, digits, '-', '_' and '.', not starting with '.', at most 128 characters.
    public static func isSafe(_ identifier: String) -> Bool {
        SessionIdentifier.isValid(identifier, maximumLength: 128)
    }
}

enum EvidenceError: Error {
    case unsafeIdentifier
}

/// The rule for client session ids and other ids that become file names.
public enum SessionIdentifier {
    public static func isValid(_ identifier: String, maximumLength: Int) -> Bool {
        guard !identifier.isEmpty, identifier.count <= maximumLength, !identifier.hasPrefix(".") else { return false }
        return identifier.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_" || scalar == ".")
        }
    }
}
