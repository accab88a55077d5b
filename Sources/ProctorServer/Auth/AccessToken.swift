import Crypto
import Foundation
import ProctorCore
import ProctorRecording

/// The claims of a signed token: a staff login (`sub` is the user id) or a candidate invitation
/// (`sid` is the one session it opens).
struct AccessToken: Sendable, Hashable, Codable {
    /// User id, or the session id for a candidate.
    var sub: String
    var role: Role
    /// Seconds since 1970.
    var iat: Double
    var exp: Double
    /// Random id; a candidate's token is also checked against the hash stored with its session, so a
    /// new invitation revokes the old link.
    var jti: String
    /// The session a candidate token is for.
    var sid: String?
    /// Username, for logs and the audit trail.
    var name: String?
}

/// Signs and verifies tokens in the JWT compact format with HS256 (HMAC-SHA256).
///
/// The key is derived from the master key (`MasterKeyring.signingKey`, HKDF), never stored: every
/// server holding the master key accepts every other's tokens, and a copy of the database cannot
/// mint one. After a rotation the previous key is still accepted until `previousValidUntil`.
struct TokenSigner: Sendable {
    enum Failure: Error, Equatable {
        case malformed
        case badSignature
        case expired
    }

    /// The raw key bytes (SymmetricKey itself is not Sendable).
    let keyBytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    /// The keys before the last rotation (of the master key, or of the signing generation), and
    /// until when they are accepted.
    let previousKeys: [[UInt8]]
    let previousValidUntil: Date?

    init(keyBytes: [UInt8], previousKeys: [[UInt8]] = [], previousValidUntil: Date? = nil) {
        self.keyBytes = keyBytes
        self.previousKeys = previousKeys
        self.previousValidUntil = previousValidUntil
    }

    /// The signer of a deployment: the current generation's key from the current master key; after a
    /// rotation at `rotatedAt`, the keys it replaced until `grace` has passed.
    init(keyring: MasterKeyring, generation: Int, rotatedAt: Date?, grace: TimeInterval) {
        var previous: [[UInt8]] = []
        if let old = keyring.previous { previous.append(MasterKeyring.signingKey(from: old, generation: generation)) }
        if generation > 0 { previous.append(MasterKeyring.signingKey(from: keyring.current, generation: generation - 1)) }
        self.init(
            keyBytes: MasterKeyring.signingKey(from: keyring.current, generation: generation), previousKeys: previous,
            previousValidUntil: rotatedAt?.addingTimeInterval(grace))
    }

    static let header = Base64URL.encode(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    func sign(_ token: AccessToken) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let payload = Base64URL.encode(try encoder.encode(token))
        let input = "\(Self.header).\(payload)"
        let signature = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: key)
        return "\(input).\(Base64URL.encode(Data(signature)))"
    }

    func verify(_ string: String, now: Date = Date()) throws(Failure) -> AccessToken {
        let parts = string.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.header[...], let signature = Base64URL.decode(String(parts[2])) else { throw .malformed }
        let input = Data("\(parts[0]).\(parts[1])".utf8)
        // Constant-time comparison of the MAC; the previous key only within its grace period.
        let current = HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: input, using: key)
        let inGrace = previousValidUntil.map { now < $0 } ?? false
        let previous =
            !current && inGrace
            && previousKeys.contains { HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: input, using: SymmetricKey(data: $0)) }
        guard current || previous else { throw .badSignature }
        guard let payload = Base64URL.decode(String(parts[1])), let token = try? JSONDecoder().decode(AccessToken.self, from: payload) else {
            throw .malformed
        }
        guard token.exp > now.timeIntervalSince1970 else { throw .expired }
        return token
    }

    /// SHA-256 (hex) of a token as stored with its session: a candidate token is valid only while it
    /// is the session's current invitation.
    static func fingerprint(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func newIdentifier() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// Base64 with the URL alphabet and no padding, as JWT uses.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ string: String) -> Data? {
        var base64 = string.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard base64.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "/" }) else { return nil }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
