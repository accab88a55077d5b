import Foundation

/// The rule for client session ids and other ids that become file names.
public enum SessionIdentifier {
    public static func isValid(_ identifier: String, maximumLength: Int) -> Bool {
        guard !identifier.isEmpty, identifier.count <= maximumLength, !identifier.hasPrefix(".") else { return false }
        return identifier.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_" || scalar == ".")
        }
    }
}
