import Foundation
import Logging
import ProctorCore
import ProctorRecording
import ProctorStore

/// `proctor keys rotate`: a new master key, every session's data key sealed again by it, and a new
/// token signing key (the previous one is still accepted for `auth.signing_key_grace_hours`). The
/// blobs themselves are not touched: they stay sealed by their data keys.
public enum KeyRotation {
    /// Settings that name the token signing key: its generation (HKDF info) and when it last changed.
    public static let generationSetting = "token_signing_generation"
    public static let rotatedAtSetting = "token_signing_rotated_at"

    public struct Report: Sendable, Codable, Hashable {
        public var masterKeyId: String
        public var previousMasterKeyId: String?
        public var rewrapped: Int
        public var signingGeneration: Int
        /// Set when the key came from the environment: the operator must set it (printed once).
        public var newKey: String?
    }

    /// Seals every data key not sealed by `keyring.current` again; throws when one was sealed by a key
    /// this keyring does not hold (it would be lost).
    @discardableResult
    public static func rewrapAll(store: any KeyStore, keyring: MasterKeyring) async throws -> Int {
        let keys = try await store.dataKeys()
        let known = Set([keyring.current.id, keyring.previous?.id].compactMap { $0 })
        let unknown = keys.filter { !known.contains($0.masterKeyId) }
        guard unknown.isEmpty else {
            throw MasterKeySource.Failure(
                description:
                    "\(unknown.count) data keys are sealed by master keys this process does not have (\(Set(unknown.map(\.masterKeyId)).sorted().joined(separator: ", "))); "
                    + "set \(MasterKeySource.previousEnvironmentName) or restore the previous key file first")
        }
        var count = 0
        for key in keys where key.masterKeyId != keyring.current.id {
            if try await store.replaceDataKey(try keyring.rewrap(key)) { count += 1 }
        }
        return count
    }

    public static func rotate(
        source: MasterKeySource, keyring: MasterKeyring, store: any KeyStore, signingOnly: Bool, now: Date = Date(), logger: Logger
    ) async throws -> Report {
        // Finish what an earlier rotation left (keys a server still running with the old key wrote).
        try await rewrapAll(store: store, keyring: keyring)
        var report = Report(masterKeyId: keyring.current.id, previousMasterKeyId: nil, rewrapped: 0, signingGeneration: 0, newKey: nil)
        var generation = Int(try await store.setting(generationSetting) ?? "0") ?? 0
        if signingOnly {
            generation += 1
        } else {
            let fresh = MasterKeyring.randomBytes(MasterKeyText.byteCount)
            switch source.origin {
            case .file(let url):
                try MasterKeySource.write(keyring.current.bytes, to: url.appendingPathExtension("previous"))
                try MasterKeySource.write(fresh, to: url)
            case .environment:
                report.newKey = MasterKeyText.format(fresh)
            }
            let next = MasterKeyring(current: .init(bytes: fresh), previous: keyring.current)
            report.masterKeyId = next.current.id
            report.previousMasterKeyId = keyring.current.id
            report.rewrapped = try await rewrapAll(store: store, keyring: next)
        }
        try await store.saveSetting(generationSetting, value: "\(generation)")
        try await store.saveSetting(rotatedAtSetting, value: "\(now.timeIntervalSince1970)")
        report.signingGeneration = generation
        logger.notice(
            "rotated keys: master key \(report.masterKeyId), \(report.rewrapped) data keys sealed again, token signing generation \(generation)")
        return report
    }
}
