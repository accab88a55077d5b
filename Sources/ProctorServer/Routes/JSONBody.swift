import Foundation
import Hummingbird

/// A JSON response from plain dictionaries and arrays (snake_case keys as written).
struct JSONBody: ResponseGenerator {
    let object: Any

    init(_ object: Any) {
        self.object = object
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        response(status: .ok)
    }

    func response(status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Self.text(String(decoding: data, as: UTF8.self), status: status)
    }

    /// A response whose body is already JSON text.
    static func text(_ json: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}
