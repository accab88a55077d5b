import Foundation
import ProctorCore

/// The models the project uses: file name, SHA-256, where to download it, and its licence.
///
/// Kept as a tab-separated file (`models/manifest.tsv`) so that the shell set-up step and the
/// Swift code read the same list.
public struct ModelManifest: Sendable, Hashable {
    public static let fileName = "manifest.tsv"

    public struct Entry: Sendable, Hashable {
        public var file: String
        public var sha256: String
        public var url: String
        public var license: String
        public var purpose: String
    }

    public var entries: [Entry]

    public init(contentsOf url: URL) throws {
        try self.init(text: String(contentsOf: url, encoding: .utf8))
    }

    public init(text: String) throws {
        entries = try text.split(whereSeparator: \.isNewline).compactMap { line -> Entry? in
            if line.hasPrefix("#") || line.allSatisfy(\.isWhitespace) { return nil }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 5 else { throw ConfigurationError("manifest line has \(fields.count) fields, needs 5: \(line)") }
            return Entry(file: fields[0], sha256: fields[1], url: fields[2], license: fields[3], purpose: fields[4])
        }
    }

    public func entry(for file: String) -> Entry? {
        entries.first { $0.file == file }
    }
}
