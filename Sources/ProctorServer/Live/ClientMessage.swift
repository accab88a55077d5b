import Foundation
import ProctorCore

/// A message from a candidate's client over the WebSocket, parsed and validated.
///
/// Text messages are JSON: `{"type":"frame","data":"<base64 JPEG>","timestamp":1.5}`,
/// `{"type":"ping"}`, `{"type":"end"}` or a client event
/// `{"type":"client_event","id","event","at","duration_ms"?,"details"?}`. A binary message is a raw JPEG frame (the fast path:
/// no base64, timestamped by the server on arrival).
public enum ClientMessage: Sendable, Equatable {
    case frame(bytes: [UInt8], timestamp: Double?)
    case ping
    case end
    case clientEvent(ClientEvent)

    /// Parses a text message; `maxFrameBytes` bounds the decoded image.
    public static func parse(text: String, maxFrameBytes: Int) -> Result<ClientMessage, ClientMessageError> {
        // One parse: frames carry ~100 KB of base64 and arrive by the dozen per second.
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: Data(text.utf8))
        } catch let DecodingError.typeMismatch(_, context) where !context.codingPath.isEmpty {
            let name = context.codingPath.last?.stringValue ?? "a field"
            return .failure(ClientMessageError(.invalidField, "\"\(name)\" has the wrong type"))
        } catch {
            return .failure(ClientMessageError(.invalidJSON, "message is not a JSON object"))
        }
        guard let type = fields.type else {
            return .failure(ClientMessageError(.missingField, "message has no \"type\""))
        }
        switch type {
        case "ping": return .success(.ping)
        case "end": return .success(.end)
        case "client_event": return clientEvent(text)
        case "frame":
            guard let encoded = fields.data, !encoded.isEmpty else {
                return .failure(ClientMessageError(.missingField, "frame has no \"data\" (base64 JPEG)"))
            }
            if let timestamp = fields.timestamp, !timestamp.isFinite {
                return .failure(ClientMessageError(.invalidField, "\"timestamp\" must be a finite number of seconds"))
            }
            // base64 grows data by 4/3: refuse before decoding what cannot fit.
            if encoded.utf8.count / 4 * 3 > maxFrameBytes + 3 {
                return .failure(ClientMessageError(.frameTooLarge, "frame is larger than \(maxFrameBytes) bytes"))
            }
            guard let bytes = Data(base64Encoded: Self.stripDataURL(encoded)), !bytes.isEmpty else {
                return .failure(ClientMessageError(.invalidBase64, "frame \"data\" is not valid base64"))
            }
            return frame(bytes: [UInt8](bytes), timestamp: fields.timestamp, maxFrameBytes: maxFrameBytes)
        default:
            return .failure(ClientMessageError(.unknownType, "unknown message type \"\(type.prefix(40))\""))
        }
    }

    /// A client event, decoded again in full (they are small and rare next to frames). A bad one is
    /// refused with its id, so the page stops resending it.
    private static func clientEvent(_ text: String) -> Result<ClientMessage, ClientMessageError> {
        guard let draft = try? APICoding.decoder().decode(ClientEventDraft.self, from: Data(text.utf8)) else {
            return .failure(ClientMessageError(.invalidJSON, "client_event is not a JSON object"))
        }
        switch draft.checked() {
        case .success(let event): return .success(.clientEvent(event))
        case .failure(let problem):
            let code: ClientMessageError.Code = problem.field == "id" || draft.event == nil || draft.at == nil ? .missingField : .invalidField
            var error = ClientMessageError(code, problem.message)
            error.id = draft.readableId
            return .failure(error)
        }
    }

    /// The fields a client message may carry; which are required depends on the type.
    private struct Fields: Decodable {
        var type: String?
        var data: String?
        var timestamp: Double?
    }

    /// A binary message: the raw image bytes.
    public static func parse(binary bytes: [UInt8], maxFrameBytes: Int) -> Result<ClientMessage, ClientMessageError> {
        frame(bytes: bytes, timestamp: nil, maxFrameBytes: maxFrameBytes)
    }

    private static func frame(bytes: [UInt8], timestamp: Double?, maxFrameBytes: Int) -> Result<ClientMessage, ClientMessageError> {
        guard bytes.count <= maxFrameBytes else {
            return .failure(ClientMessageError(.frameTooLarge, "frame is \(bytes.count) bytes, larger than \(maxFrameBytes)"))
        }
        return .success(.frame(bytes: bytes, timestamp: timestamp))
    }

    /// Browsers' `canvas.toDataURL()` gives "data:image/jpeg;base64,…"; accept it as well.
    private static func stripDataURL(_ encoded: String) -> String {
        guard encoded.hasPrefix("data:"), let comma = encoded.firstIndex(of: ",") else { return encoded }
        return String(encoded[encoded.index(after: comma)...])
    }
}

/// Why a client message was refused; `code` is what the client sees.
public struct ClientMessageError: Error, Sendable, Equatable {
    /// The codes of the one list (`ErrorCode`) that live messages use.
    public typealias Code = ErrorCode

    public var code: Code
    public var message: String
    /// The client event the error is about, if any.
    public var id: String?

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
