/// Which file modes keep the data folder private: the owner only (0700 folders, 0600 files), as
/// PostgreSQL insists for its own data folder. Pure: the start-up check reads the modes and asks here.
public enum DataPermissionRule {
    /// The mode the server gives folders it creates.
    public static let folderMode: UInt16 = 0o700
    /// The mode the server gives files it creates (umask 077).
    public static let fileMode: UInt16 = 0o600
    public static let umask: UInt16 = 0o077

    /// Why `path` with `mode` must not hold the data, or nil when only its owner can reach it.
    public static func problem(path: String, mode: UInt16, isFolder: Bool, what: String) -> String? {
        let open = mode & 0o077
        guard open != 0 else { return nil }
        let octal = String(mode & 0o777, radix: 8)
        let wanted = isFolder ? "700" : "600"
        return "the \(what) \(path) can be read by other users (mode 0\(octal)): run `chmod \(wanted) \(path)`, "
            + "or set server.allow_shared_data_permissions for a shared mount with access control of its own"
    }
}
