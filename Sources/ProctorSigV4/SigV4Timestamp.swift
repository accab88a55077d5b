import Foundation

/// The two UTC forms of a signing time: `20130524T000000Z` and its day `20130524`. Computed from
/// the seconds since 1970 (no formatter, no locale), so the signer stays pure.
struct SigV4Timestamp: Sendable, Hashable {
    let dateTime: String
    let day: String

    init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = seconds - days * 86_400
        let (year, month, dayOfMonth) = Self.civil(fromDays: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        day = "\(year)\(two(month))\(two(dayOfMonth))"
        dateTime = "\(day)T\(two(inDay / 3600))\(two(inDay % 3600 / 60))\(two(inDay % 60))Z"
    }

    /// Howard Hinnant's days-to-civil: the Gregorian date of a day count since 1970-01-01.
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
