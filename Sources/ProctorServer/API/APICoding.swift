import Foundation
import Hummingbird

/// The one way the server writes JSON: snake_case keys, ISO-8601 dates, sorted keys. Every REST
/// answer, WebSocket message and Server-Sent Event goes through it.
enum APICoding {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// JSON text for a WebSocket message or an event stream line.
    static func text(_ value: some Encodable) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }

    /// A JSON response with a status other than 200.
    static func response(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let data = try encoder().encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentLength] = "\(data.count)"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A typed answer with its status: `Answer(.created, body)`.
struct Answer<Body: Encodable & Sendable>: ResponseGenerator, Sendable {
    let status: HTTPResponse.Status
    let body: Body

    init(_ status: HTTPResponse.Status, _ body: Body) {
        self.status = status
        self.body = body
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try APICoding.response(body, status: status)
    }
}
