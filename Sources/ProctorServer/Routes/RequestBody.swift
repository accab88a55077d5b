import Foundation
import Hummingbird

/// Reads request bodies with a size limit and decodes JSON bodies, answering bad ones with a clear
/// `APIError` instead of a generic failure.
enum RequestBody {
    /// JSON bodies of the API are small; anything larger is refused before it is buffered.
    static let jsonLimit = 64 * 1024

    static func collect(_ request: Request, limit: Int) async throws -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch {
            throw APIError(.contentTooLarge, .tooLarge, "the body is larger than \(limit) bytes")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        try decode(type, from: try await collect(request, limit: jsonLimit))
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let decoder = APICoding.decoder()
        do {
            return try decoder.decode(T.self, from: Data(bytes))
        } catch {
            throw APIError(.badRequest, .invalidJSON, "the body is not the expected JSON: \(Self.describe(error))")
        }
    }

    /// A one-line reason for a decoding failure, naming the field, without Swift type dumps.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
            "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has an invalid value"
        case DecodingError.dataCorrupted: "malformed JSON"
        default: "malformed JSON"
        }
    }
}
