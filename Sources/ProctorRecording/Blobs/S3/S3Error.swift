import Foundation

/// Why an S3 request failed, from the service's error XML (`<Error><Code>…<Message>…`) or from the
/// transport, with a hint at the setting to check. Never holds credentials.
public enum S3Error: Error, CustomStringConvertible, Sendable, Equatable {
    /// The service answered with an error status.
    case service(operation: String, status: Int, code: String, message: String, key: String?)
    /// No answer: connection refused, reset, or timed out after every attempt.
    case transport(operation: String, message: String)
    /// The answer could not be understood.
    case malformed(operation: String, message: String)
    /// The settings cannot work (no endpoint, no bucket, no secret, a secret file others can read).
    case configuration(String)

    /// Builds the error from an answer's status and body.
    static func from(operation: String, status: Int, body: String, key: String?) -> S3Error {
        let code = S3XML.first("Code", in: body) ?? Self.codeForStatus(status)
        let message = S3XML.first("Message", in: body) ?? ""
        return .service(operation: operation, status: status, code: code, message: message, key: key)
    }

    /// A code for answers without a body (HEAD has none).
    static func codeForStatus(_ status: Int) -> String {
        switch status {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "AccessDenied"
        case 404: "NotFound"
        case 416: "InvalidRange"
        case 500...599: "ServiceUnavailable"
        default: "HTTP\(status)"
        }
    }

    /// The service's error code, when it gave one.
    public var code: String? {
        if case .service(_, _, let code, _, _) = self { return code }
        return nil
    }

    public var status: Int? {
        if case .service(_, let status, _, _, _) = self { return status }
        return nil
    }

    /// 5xx and transport failures may pass; 4xx will not, however often the request is sent.
    var isRetryable: Bool {
        switch self {
        case .service(_, let status, let code, _, _): status >= 500 || code == "SlowDown" || code == "RequestTimeout"
        case .transport: true
        case .malformed, .configuration: false
        }
    }

    public var description: String {
        switch self {
        case .service(let operation, let status, let code, let message, let key):
            let target = key.map { " \($0)" } ?? ""
            let detail = message.isEmpty ? "" : ": \(message)"
            return "S3 \(operation)\(target) failed with \(status) \(code)\(detail)\(Self.hint(code))"
        case .transport(let operation, let message):
            return "S3 \(operation) got no answer (\(message)); check storage.s3.endpoint and that the service is up"
        case .malformed(let operation, let message):
            return "S3 \(operation) gave an answer that cannot be read: \(message)"
        case .configuration(let message):
            return "S3 storage is misconfigured: \(message)"
        }
    }

    static func hint(_ code: String) -> String {
        switch code {
        case "InvalidAccessKeyId", "AccessDenied", "Unauthorized":
            " (check storage.s3.access_key_id, storage.s3.secret_access_key and the key's permissions on the bucket)"
        case "SignatureDoesNotMatch":
            " (check storage.s3.secret_access_key and storage.s3.region)"
        case "RequestTimeTooSkewed":
            " (this machine's clock differs from the service's by more than 15 minutes: fix NTP)"
        case "NoSuchBucket":
            " (check storage.s3.bucket, or create the bucket)"
        case "XAmzContentSHA256Mismatch", "BadDigest":
            " (the body changed on the way; the upload was refused)"
        default: ""
        }
    }
}
