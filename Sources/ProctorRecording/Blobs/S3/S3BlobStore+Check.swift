import Foundation
import NIOCore

extension S3BlobStore {
    /// What `proctor storage check` found, step by step.
    public struct CheckReport: Sendable {
        /// The service's clock (its `Date` header), when it sent one.
        public var serverTime: Date?
        /// Server time minus this machine's, seconds; S3 refuses signatures more than 900 s off.
        public var clockSkewSeconds: Double?
        /// Round trip of a small object: written, read back equal, listed, deleted.
        public var roundTripOK = false
        public var milliseconds = 0.0
    }

    /// Checks credentials and bucket access (HEAD of the bucket), measures clock skew from the
    /// answer's `Date`, then writes, reads, lists and deletes a probe object under `checks/`.
    public func check() async throws -> CheckReport {
        var report = CheckReport()
        let start = ContinuousClock.now
        let before = Date()
        let head = try await client.send("head_bucket", method: .HEAD, key: nil)
        let after = Date()
        if let header = head.headers.first(name: "date"), let server = Self.parseHTTPDate(header) {
            report.serverTime = server
            // The answer was stamped somewhere between sending and receiving; take the middle.
            report.clockSkewSeconds = server.timeIntervalSince(before.addingTimeInterval(after.timeIntervalSince(before) / 2))
        }
        let key = "checks/\(UUID().uuidString.lowercased()).txt"
        let probe = Data("proctor storage check \(Date())".utf8)
        try await write(key, data: probe)
        let readBack = try await data(key)
        let listed = try await list(prefix: "checks/").contains { $0.key == key }
        try await delete(key)
        report.roundTripOK = readBack == probe && listed
        report.milliseconds = start.secondsElapsed * 1000
        return report
    }

    /// RFC 7231's `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
