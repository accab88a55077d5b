import Crypto
import Foundation

/// AWS Signature Version 4 for S3 requests: the canonical request, the string to sign, the signing
/// key, the `Authorization` header and presigned query strings. Pure: the time is passed in, so the
/// results are checked against AWS's published examples, and nothing here does I/O.
public struct SigV4Signer: Sendable, Hashable {
    public var credentials: SigV4Credentials
    public var region: String
    public var service: String

    /// The hash S3 is told when the body is not hashed (presigned URLs only, where no body is sent).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 of zero bytes: the payload hash of every GET, HEAD and DELETE.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let algorithm = "AWS4-HMAC-SHA256"

    public init(credentials: SigV4Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Headers to add to a request so S3 accepts it: `x-amz-date`, `x-amz-content-sha256` and
    /// `Authorization`. `headers` must include `host`; every header given is signed.
    public func sign(_ request: SigV4Request, payloadHash: String, date: Date) -> [(name: String, value: String)] {
        let stamp = SigV4Timestamp(date)
        var headers = request.headers.map { (name: $0.name.lowercased(), value: $0.value) }
        headers.removeAll { $0.name == "x-amz-date" || $0.name == "x-amz-content-sha256" || $0.name == "authorization" }
        headers.append((name: "x-amz-date", value: stamp.dateTime))
        headers.append((name: "x-amz-content-sha256", value: payloadHash))
        let signed = SigV4Request(method: request.method, path: request.path, query: request.query, headers: headers)
        let canonical = canonicalRequest(signed, payloadHash: payloadHash)
        let signature = self.signature(canonicalRequest: canonical.text, stamp: stamp)
        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(stamp)),SignedHeaders=\(canonical.signedHeaders),Signature=\(signature)"
        return [
            (name: "x-amz-date", value: stamp.dateTime),
            (name: "x-amz-content-sha256", value: payloadHash),
            (name: "authorization", value: authorization),
        ]
    }

    /// The query string of a presigned URL for `request` (its own query kept, the `X-Amz-*`
    /// parameters added, sorted and encoded), valid for `expires` seconds from `date`. Only `host`
    /// is signed, so any client can follow the URL, `Range` header and all.
    public func presignedQuery(_ request: SigV4Request, date: Date, expires: Int) -> String {
        let stamp = SigV4Timestamp(date)
        var query = request.query
        query.append(("X-Amz-Algorithm", Self.algorithm))
        query.append(("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(stamp))"))
        query.append(("X-Amz-Date", stamp.dateTime))
        query.append(("X-Amz-Expires", String(expires)))
        query.append(("X-Amz-SignedHeaders", "host"))
        let host = request.headers.filter { $0.name.lowercased() == "host" }
        let signed = SigV4Request(method: request.method, path: request.path, query: query, headers: host)
        let canonical = canonicalRequest(signed, payloadHash: Self.unsignedPayload)
        let signature = self.signature(canonicalRequest: canonical.text, stamp: stamp)
        // The signature goes last, as AWS's example URLs have it (query order does not matter to S3).
        return Self.canonicalQuery(query) + "&X-Amz-Signature=" + signature
    }

    /// The canonical request (AWS's six lines) and the list of signed header names.
    public func canonicalRequest(_ request: SigV4Request, payloadHash: String) -> (text: String, signedHeaders: String) {
        var merged: [String: [String]] = [:]
        for header in request.headers {
            merged[header.name.lowercased(), default: []].append(Self.trimmed(header.value))
        }
        let names = merged.keys.sorted()
        let headerLines = names.map { "\($0):\(merged[$0, default: []].joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let text = [
            request.method.uppercased(), Self.encodePath(request.path), Self.canonicalQuery(request.query), headerLines, signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        return (text, signedHeaders)
    }

    /// `AWS4-HMAC-SHA256`, the time, the scope and the canonical request's hash.
    public func stringToSign(canonicalRequest: String, date: Date) -> String {
        stringToSign(canonicalRequest: canonicalRequest, stamp: SigV4Timestamp(date))
    }

    /// The day's key: HMAC chain over date, region, service and `aws4_request`.
    public func signingKey(date: Date) -> SymmetricKey {
        signingKey(stamp: SigV4Timestamp(date))
    }

    func signature(canonicalRequest: String, stamp: SigV4Timestamp) -> String {
        let key = signingKey(stamp: stamp)
        let toSign = stringToSign(canonicalRequest: canonicalRequest, stamp: stamp)
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: key))
    }

    func stringToSign(canonicalRequest: String, stamp: SigV4Timestamp) -> String {
        [Self.algorithm, stamp.dateTime, scope(stamp), Self.sha256Hex(Data(canonicalRequest.utf8))].joined(separator: "\n")
    }

    func signingKey(stamp: SigV4Timestamp) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [stamp.day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    func scope(_ stamp: SigV4Timestamp) -> String {
        "\(stamp.day)/\(region)/\(service)/aws4_request"
    }
}
