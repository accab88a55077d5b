/// Protection of data at rest: the master key, encryption of personal blobs, file permissions.
public struct ProtectionConfiguration: Sendable, Hashable, Codable {
    /// A file holding the master key (64 hex digits), 0600. Empty: `PROCTOR_MASTER_KEY` when set,
    /// else `<data folder>-keys/master.key`, created on first start. The key is kept apart from the
    /// data folder so a copy of the data (a backup, a support dump) does not carry the key with it.
    /// Losing the master key loses every encrypted blob: back it up separately.
    public var masterKeyFile = ""
    /// Encrypt personal blobs (photos, snapshots, sound clips, chunks, batches, master videos) with
    /// a data key per session. On by default: these are biometric data. Off only for a store that
    /// already encrypts with keys the institution alone holds.
    public var encryptBlobs = true
    /// Plaintext bytes per encrypted segment. 64 KiB: a Range read decrypts at most 64 KiB more than
    /// it serves, and the 28 bytes a segment adds are 0.04 % of it.
    public var segmentBytes = 64 * 1024

    public init() {}
}
