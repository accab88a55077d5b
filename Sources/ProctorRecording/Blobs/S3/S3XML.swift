import Foundation

/// The little of XML that S3's answers need: the text of simple elements, in order. S3 answers
/// are flat, machine-written documents (`ListBucketResult`, `InitiateMultipartUploadResult`,
/// `Error`), so a scan for `<Name>text</Name>` reads them exactly without a parser.
enum S3XML {
    /// The text of the first `<name>` element, entities decoded.
    static func first(_ name: String, in xml: String) -> String? {
        all(name, in: xml).first
    }

    /// The text of every `<name>` element, in document order.
    static func all(_ name: String, in xml: String) -> [String] {
        elements(name, in: xml).map(decode)
    }

    /// The raw inner text of every `<name>…</name>` (nested markup kept), for walking into
    /// repeated groups such as `<Contents>`.
    static func elements(_ name: String, in xml: String) -> [String] {
        var result: [String] = []
        var rest = xml[...]
        let open = "<\(name)>"
        let close = "</\(name)>"
        while let start = rest.range(of: open) {
            let after = rest[start.upperBound...]
            guard let end = after.range(of: close) else { break }
            result.append(String(after[..<end.lowerBound]))
            rest = after[end.upperBound...]
        }
        return result
    }

    /// The five predefined entities and numeric references.
    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) { result.unicodeScalars.append(scalar) } else { result += "&\(entity);" }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }

    /// Text made safe inside an element.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
