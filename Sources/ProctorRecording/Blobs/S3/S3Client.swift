import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ProctorSigV4

/// Signed requests to one bucket: addresses (path style or virtual host), SigV4 with the body's
/// SHA-256, retries with backoff on 5xx and timeouts (never on 4xx), and the store's metrics.
struct S3Client: Sendable {
    let scheme: String
    /// `host` or `host:port`, as the Host header names it.
    let authority: String
    let bucket: String
    let pathStyle: Bool
    let signer: SigV4Signer
    let http: HTTPClient
    let maxAttempts: Int
    let timeout: TimeAmount
    let metrics: S3Metrics
    let logger: Logger

    /// The HTTP client every S3 store of the process shares (one connection pool per endpoint). A
    /// connection that cannot be made fails at once instead of being retried inside the client
    /// until the request's deadline, so `send`'s own backoff decides, and an unreachable endpoint
    /// is reported in seconds, not minutes. Never shut down: it lives as long as the process.
    static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Largest error or listing body read into memory.
    static let maximumDocumentBytes = 16 * 1024 * 1024

    init(
        endpoint: String, bucket: String, pathStyle: Bool, signer: SigV4Signer, http: HTTPClient, maxAttempts: Int, timeoutSeconds: Double, metrics: S3Metrics,
        logger: Logger
    ) throws {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else {
            throw S3Error.configuration("storage.s3.endpoint must be an http(s) URL, not \"\(endpoint)\"")
        }
        guard !bucket.isEmpty else { throw S3Error.configuration("storage.s3.bucket is empty") }
        self.scheme = scheme
        self.authority = url.port.map { "\(host):\($0)" } ?? host
        self.bucket = bucket
        self.pathStyle = pathStyle
        self.signer = signer
        self.http = http
        self.maxAttempts = max(1, maxAttempts)
        self.timeout = .milliseconds(Int64(max(1, timeoutSeconds) * 1000))
        self.metrics = metrics
        self.logger = logger
    }

    /// The Host header and the (unencoded) path of an object, or of the bucket when `key` is nil.
    func address(_ key: String?) -> (host: String, path: String) {
        if pathStyle { return (authority, "/\(bucket)" + (key.map { "/\($0)" } ?? "")) }
        return ("\(bucket).\(authority)", "/" + (key ?? ""))
    }

    /// The full URL of a request as sent: the path and query encoded exactly as they were signed.
    func url(host: String, path: String, query: [(String, String)]) -> String {
        let encodedQuery = SigV4Signer.canonicalQuery(query)
        return "\(scheme)://\(host)\(SigV4Signer.encodePath(path))" + (encodedQuery.isEmpty ? "" : "?\(encodedQuery)")
    }

    /// A presigned GET of `key`, valid for `seconds`.
    func presignedGet(_ key: String, seconds: Int, date: Date = Date()) -> URL? {
        let (host, path) = address(key)
        let query = signer.presignedQuery(SigV4Request(method: "GET", path: path, headers: [(name: "host", value: host)]), date: date, expires: seconds)
        return URL(string: "\(scheme)://\(host)\(SigV4Signer.encodePath(path))?\(query)")
    }

    /// Sends one request, again on 5xx and timeouts, and returns the answer once its status is 2xx
    /// or in `accept` (a 404 the caller expects); anything else is thrown as `S3Error`. The body of
    /// the answer is left for the caller to stream.
    func send(
        _ operation: String, method: HTTPMethod, key: String?, query: [(String, String)] = [], headers: [(String, String)] = [],
        body: ByteBuffer? = nil, accept: Set<Int> = []
    ) async throws -> HTTPClientResponse {
        let payloadHash = body.map { buffer in buffer.withUnsafeReadableBytes { SigV4Signer.sha256Hex($0) } } ?? SigV4Signer.emptyPayloadHash
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try await once(operation, method: method, key: key, query: query, headers: headers, body: body, payloadHash: payloadHash)
                let status = Int(response.status.code)
                metrics.request(operation, sent: body?.readableBytes ?? 0)
                if (200..<300).contains(status) || accept.contains(status) { return response }
                let text = try await response.body.collect(upTo: Self.maximumDocumentBytes)
                throw S3Error.from(operation: operation, status: status, body: String(buffer: text), key: key)
            } catch let error as CancellationError {
                throw error
            } catch let error as S3Error {
                metrics.error(operation)
                guard error.isRetryable, attempt < maxAttempts else { throw error }
                logger.warning("S3 \(operation) attempt \(attempt) failed, retrying: \(error)")
            } catch {
                metrics.error(operation)
                let failure = S3Error.transport(operation: operation, message: "\(error)")
                guard attempt < maxAttempts else { throw failure }
                logger.warning("S3 \(operation) attempt \(attempt) failed, retrying: \(failure)")
            }
            try await Task.sleep(for: Self.backoff(attempt: attempt))
        }
    }

    /// 100 ms, 200 ms, 400 ms … capped at 3.2 s, with up to 50 % jitter so retrying processes spread out.
    static func backoff(attempt: Int) -> Duration {
        let base = 100.0 * pow(2, Double(min(attempt - 1, 5)))
        return .milliseconds(Int(base * Double.random(in: 1...1.5)))
    }

    private func once(
        _ operation: String, method: HTTPMethod, key: String?, query: [(String, String)], headers: [(String, String)], body: ByteBuffer?,
        payloadHash: String
    ) async throws -> HTTPClientResponse {
        let (host, path) = address(key)
        var signed: [(name: String, value: String)] = [(name: "host", value: host)]
        for (name, value) in headers { signed.append((name: name.lowercased(), value: value)) }
        let authorization = signer.sign(
            SigV4Request(method: method.rawValue, path: path, query: query, headers: signed), payloadHash: payloadHash, date: Date())
        var request = HTTPClientRequest(url: url(host: host, path: path, query: query))
        request.method = method
        for header in signed + authorization where header.name != "host" { request.headers.add(name: header.name, value: header.value) }
        if let body {
            request.body = .bytes(body)
            request.headers.replaceOrAdd(name: "content-length", value: "\(body.readableBytes)")
        } else if method == .PUT || method == .POST {
            request.headers.replaceOrAdd(name: "content-length", value: "0")
        }
        return try await http.execute(request, timeout: timeout, logger: nil)
    }
}

/// Store requests, bytes and errors by operation (`get`, `put`, `upload_part`, …), through
/// swift-metrics: `proctor_blob_store_requests_total`, `proctor_blob_store_bytes_total{direction}`
/// and `proctor_blob_store_errors_total`.
struct S3Metrics: Sendable {
    let factory: any MetricsFactory

    func request(_ operation: String, sent: Int) {
        Counter(label: "proctor_blob_store_requests_total", dimensions: [("backend", "s3"), ("operation", operation)], factory: factory).increment()
        if sent > 0 { bytes(operation, direction: "sent", count: sent) }
    }

    func bytes(_ operation: String, direction: String, count: Int) {
        Counter(label: "proctor_blob_store_bytes_total", dimensions: [("backend", "s3"), ("operation", operation), ("direction", direction)], factory: factory)
            .increment(by: count)
    }

    func error(_ operation: String) {
        Counter(label: "proctor_blob_store_errors_total", dimensions: [("backend", "s3"), ("operation", operation)], factory: factory).increment()
    }
}
