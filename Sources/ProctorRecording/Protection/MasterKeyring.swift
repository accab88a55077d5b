import Crypto
import Foundation
import ProctorCore
import ProctorStore

/// The master key (and, during a rotation, the one before it): wraps the sessions' data keys and
/// derives the token signing keys. It never enters the database; a copy of the database alone
/// opens nothing and signs nothing.
public struct MasterKeyring: Sendable {
    /// One master key: its bytes and the digest that names it in `session_keys.master_key_id`.
    public struct Key: Sendable {
        public let bytes: [UInt8]
        public let id: String

        public init(bytes: [UInt8]) {
            self.bytes = bytes
            // A digest keyed by the key itself, so the id tells nothing about the key.
            let code = HMAC<SHA256>.authenticationCode(for: Data("proctor master key id".utf8), using: SymmetricKey(data: bytes))
            id = Data(code).prefix(8).map { String(format: "%02x", $0) }.joined()
        }

        var symmetric: SymmetricKey { SymmetricKey(data: bytes) }
    }

    public let current: Key
    /// The key replaced by the last `proctor keys rotate`: still opens data keys that a server
    /// running with it wrapped, and signs nothing new.
    public let previous: Key?

    public init(current: Key, previous: Key? = nil) {
        self.current = current
        self.previous = previous?.id == current.id ? nil : previous
    }

    /// A keyring with a random key, for tests and scratch stores that are thrown away.
    public static func ephemeral() -> MasterKeyring {
        MasterKeyring(current: Key(bytes: randomBytes(32)))
    }

    /// Seals a new data key for `sessionId` with the current master key.
    public func wrap(_ dataKey: [UInt8], sessionId: String, at date: Date = Date()) throws -> WrappedDataKey {
        let sealed = try AES.GCM.seal(dataKey, using: current.symmetric, authenticating: Self.wrapContext(sessionId))
        guard let combined = sealed.combined else { throw ProtectionError.crypto("cannot seal a data key") }
        return WrappedDataKey(sessionId: sessionId, masterKeyId: current.id, wrappedKey: combined.base64EncodedString(), createdAt: date)
    }

    /// The data key inside `wrapped`, opened with whichever of our keys sealed it.
    public func unwrap(_ wrapped: WrappedDataKey) throws -> [UInt8] {
        guard let key = [current, previous].compactMap({ $0 }).first(where: { $0.id == wrapped.masterKeyId }) else {
            throw ProtectionError.unknownMasterKey(wrapped.masterKeyId, session: wrapped.sessionId)
        }
        do {
            guard let data = Data(base64Encoded: wrapped.wrappedKey) else { throw ProtectionError.crypto("not base64") }
            let box = try AES.GCM.SealedBox(combined: data)
            return [UInt8](try AES.GCM.open(box, using: key.symmetric, authenticating: Self.wrapContext(wrapped.sessionId)))
        } catch {
            throw ProtectionError.damagedDataKey(session: wrapped.sessionId)
        }
    }

    /// `wrapped` sealed again by the current key (rotation); unchanged when it already is.
    public func rewrap(_ wrapped: WrappedDataKey) throws -> WrappedDataKey {
        guard wrapped.masterKeyId != current.id else { return wrapped }
        var again = try wrap(try unwrap(wrapped), sessionId: wrapped.sessionId, at: wrapped.createdAt)
        again.createdAt = wrapped.createdAt
        return again
    }

    /// The token signing key of `generation`, derived from `key` with HKDF: the same on every server
    /// holding the master key, and nowhere else.
    public static func signingKey(from key: Key, generation: Int) -> [UInt8] {
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key.symmetric, salt: Data("proctor".utf8), info: Data("token signing \(generation)".utf8), outputByteCount: 32)
        return derived.withUnsafeBytes { [UInt8]($0) }
    }

    static func wrapContext(_ sessionId: String) -> Data { Data("proctor data key \(sessionId)".utf8) }

    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}

/// Why protected data could not be opened, said plainly.
public enum ProtectionError: Error, CustomStringConvertible, Equatable {
    case unknownMasterKey(String, session: String)
    case damagedDataKey(session: String)
    /// No data key: the session was deleted (crypto-shredded), or its key never existed.
    case noDataKey(session: String)
    /// A segment that does not open: the file was altered, cut, or moved to another key.
    case tampered(key: String, segment: Int)
    case truncated(key: String)
    case notASessionBlob(String)
    case crypto(String)

    public var description: String {
        switch self {
        case .unknownMasterKey(let id, let session):
            "the data key of session \(session) was sealed by master key \(id), which this server does not have (wrong PROCTOR_MASTER_KEY or key file?)"
        case .damagedDataKey(let session): "the stored data key of session \(session) does not open with the master key: it was altered"
        case .noDataKey(let session): "session \(session) has no data key (it was deleted): its blobs cannot be read"
        case .tampered(let key, let segment): "blob \(key) was altered or damaged: segment \(segment) fails authentication"
        case .truncated(let key): "blob \(key) was cut short: its size is not that of any encrypted blob"
        case .notASessionBlob(let key): "blob key \(key) belongs to no session, so no data key encrypts it"
        case .crypto(let message): message
        }
    }
}
