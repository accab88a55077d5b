/// What the PostgreSQL store reports beyond the database's own errors.
public enum PostgresStoreError: Error, Hashable, CustomStringConvertible {
    /// An update matched no row: the record was never stored or has been deleted. (GRDB throws
    /// `RecordError.recordNotFound` in the same case, so both stores fail alike.)
    case recordNotFound(table: String, key: String)
    /// A column held a value the record type does not know (written by a newer server?).
    case unknownValue(column: String, value: String)

    public var description: String {
        switch self {
        case .recordNotFound(let table, let key): "no row in \(table) with key \(key)"
        case .unknownValue(let column, let value): "unknown value \"\(value)\" in column \(column)"
        }
    }
}
