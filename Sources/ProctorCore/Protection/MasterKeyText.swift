import Foundation

/// The text forms of a 32-byte master key (`PROCTOR_MASTER_KEY`, a key file): 64 hex digits, or
/// base64 of 32 bytes. Pure parsing, so a mistyped key gets the same clear answer everywhere.
public enum MasterKeyText {
    public static let byteCount = 32

    /// The key bytes, or why the text is not a key.
    public static func parse(_ text: String) -> Result<[UInt8], ParseError> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 2 * byteCount, trimmed.allSatisfy(\.isHexDigit) {
            var bytes: [UInt8] = []
            var index = trimmed.startIndex
            while index < trimmed.endIndex {
                let next = trimmed.index(index, offsetBy: 2)
                bytes.append(UInt8(trimmed[index..<next], radix: 16)!)
                index = next
            }
            return .success(bytes)
        }
        if let data = Data(base64Encoded: trimmed), data.count == byteCount { return .success([UInt8](data)) }
        return .failure(ParseError())
    }

    /// The form written to key files and printed once: hex.
    public static func format(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String { "a master key is 64 hex digits (32 bytes) or the base64 of 32 bytes" }
    }
}
