import Foundation
import ProctorStore

/// The data key of each session: read from the key store and opened with the master key, made and
/// stored the first time a session writes a blob. Opened keys are kept in memory for a minute, so
/// a video's pieces do not each cost a database read, and so a session deleted on another server
/// stops being readable here soon after.
public actor SessionKeyProvider {
    let store: any KeyStore
    public let keyring: MasterKeyring
    let cacheSeconds: Double
    private var cache: [String: (key: [UInt8], at: Date)] = [:]

    public init(store: any KeyStore, keyring: MasterKeyring, cacheSeconds: Double = 60) {
        self.store = store
        self.keyring = keyring
        self.cacheSeconds = cacheSeconds
    }

    /// The session's data key; with `create`, made when there is none (a write), else `noDataKey`.
    public func key(sessionId: String, create: Bool) async throws -> [UInt8] {
        let now = Date()
        if let cached = cache[sessionId], now.timeIntervalSince(cached.at) < cacheSeconds { return cached.key }
        var wrapped = try await store.dataKey(sessionId: sessionId)
        if wrapped == nil, create {
            let candidate = try keyring.wrap(MasterKeyring.randomBytes(32), sessionId: sessionId, at: now)
            wrapped = try await store.dataKey(sessionId: sessionId, orInsert: candidate)
        }
        guard let wrapped else {
            cache[sessionId] = nil
            throw ProtectionError.noDataKey(session: sessionId)
        }
        let key = try keyring.unwrap(wrapped)
        if cache.count > 4096 { cache.removeAll() }
        cache[sessionId] = (key, now)
        return key
    }

    /// Drops the opened key of a deleted session.
    public func forget(sessionId: String) {
        cache[sessionId] = nil
    }
}
