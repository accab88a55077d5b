import CProctorVision

/// A failure in the vision layer, with a message fit for a client or a log.
public struct VisionError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case invalidArgument = "invalid_argument"
        case notAnImage = "not_an_image"
        case imageTooLarge = "image_too_large"
        case openCV = "opencv"
        case io
        case modelMissing = "model_missing"
        case modelInvalid = "model_invalid"
        case internalError = "internal"
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// Converts a shim status into an error; `context` says what was being done.
    init(status: pv_status, context: String) {
        let message = withUnsafeBytes(of: status.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let kind: Kind =
            switch Int(status.code) {
            case Int(PV_ERR_INVALID_ARGUMENT): .invalidArgument
            case Int(PV_ERR_DECODE): .notAnImage
            case Int(PV_ERR_TOO_LARGE): .imageTooLarge
            case Int(PV_ERR_IO): .io
            case Int(PV_ERR_OPENCV): .openCV
            default: .internalError
            }
        self.init(kind, message.isEmpty ? context : "\(context): \(message)")
    }
}

/// Calls a shim function that reports through `pv_status`, throwing when it fails.
@inline(__always)
func checked<T>(_ context: @autoclosure () -> String, _ body: (UnsafeMutablePointer<pv_status>) -> T) throws(VisionError) -> T {
    var status = pv_status()
    let result = body(&status)
    if status.code != PV_OK {
        throw VisionError(status: status, context: context())
    }
    return result
}

/// Calls a shim function that returns a new handle, throwing when it returns NULL.
@inline(__always)
func created<T>(_ context: @autoclosure () -> String, _ body: (UnsafeMutablePointer<pv_status>) -> T?) throws(VisionError) -> T {
    var status = pv_status()
    guard let handle = body(&status) else {
        if status.code == PV_OK { status.code = Int32(PV_ERR_INTERNAL) }
        throw VisionError(status: status, context: context())
    }
    return handle
}
