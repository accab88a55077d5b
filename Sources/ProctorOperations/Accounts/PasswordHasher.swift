import Crypto
import Foundation
import NIOPosix
import _CryptoExtras

/// Hashes passwords with scrypt (memory-hard: each guess costs 32 MiB and ~0.1 s at the default
/// cost), with a random salt per password. The stored string names its parameters, so the cost can
/// be raised later without breaking existing accounts.
public struct PasswordHasher: Sendable {
    public var costLog2: Int
    /// scrypt blocks its thread for ~0.1 s: it runs here, never on the cooperative pool or an event loop.
    var threadPool: NIOThreadPool = .singleton

    public init(costLog2: Int) {
        self.costLog2 = costLog2
    }

    /// Hashes on the blocking thread pool.
    public func hash(_ password: String) async throws -> String {
        try await threadPool.runIfActive { try hashBlocking(password) }
    }

    /// Verifies on the blocking thread pool.
    public func verify(_ password: String, against stored: String) async throws -> Bool {
        try await threadPool.runIfActive { verifyBlocking(password, against: stored) }
    }

    public static let minimumLength = 10

    func hashBlocking(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let key = try derive(password, salt: salt, rounds: 1 << costLog2, blockSize: 8, parallelism: 1)
        return "scrypt$\(costLog2)$8$1$\(Data(salt).base64EncodedString())$\(key.base64EncodedString())"
    }

    func verifyBlocking(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let log2 = Int(parts[1]), (10...20).contains(log2), let blockSize = Int(parts[2]),
            let parallelism = Int(parts[3]), let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
            let actual = try? derive(password, salt: [UInt8](salt), rounds: 1 << log2, blockSize: blockSize, parallelism: parallelism)
        else {
            return false
        }
        // Compare without an early exit.
        return actual.count == expected.count && zip(actual, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A hash to verify against when the user does not exist, so a wrong username takes as long as a wrong password.
    public func decoy() -> String {
        "scrypt$\(costLog2)$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    }

    private func derive(_ password: String, salt: [UInt8], rounds: Int, blockSize: Int, parallelism: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Data(password.utf8), salt: salt, outputByteCount: 32, rounds: rounds, blockSize: blockSize,
            parallelism: parallelism)
        return key.withUnsafeBytes { Data($0) }
    }
}
