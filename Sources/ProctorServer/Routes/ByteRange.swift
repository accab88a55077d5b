/// One HTTP byte range (`Range: bytes=a-b`, `bytes=a-`, `bytes=-n`), resolved against a size.
/// Several ranges in one header are served as the first one.
enum ByteRange: Equatable {
    case none
    case range(Int, Int)
    case unsatisfiable

    /// At most this many bytes per open-ended range response; players ask again for the rest.
    static let maximumOpenEnded = 8 * 1024 * 1024

    static func parse(_ header: String?, size: Int) -> ByteRange {
        guard let header, header.hasPrefix("bytes="), size > 0 else { return .none }
        let first = header.dropFirst(6).split(separator: ",").first.map(String.init) ?? ""
        let parts = first.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return .none }
        if parts[0].isEmpty {
            guard let suffix = Int(parts[1]), suffix > 0 else { return .unsatisfiable }
            return .range(max(0, size - suffix), size - 1)
        }
        guard let start = Int(parts[0]), start >= 0 else { return .none }
        guard start < size else { return .unsatisfiable }
        if parts[1].isEmpty { return .range(start, min(size - 1, start + maximumOpenEnded - 1)) }
        guard let end = Int(parts[1]), end >= start else { return .none }
        return .range(start, min(end, size - 1))
    }
}
