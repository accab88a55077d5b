import Foundation
import Logging
import ProctorCore

/// Keeps the data folder private: sets the umask so every file the process makes is 0600 and every
/// folder 0700, creates the data folder that way, and refuses to start on a data folder, database or
/// key file that other users can read (`DataPermissionRule`), unless the configuration allows it.
public enum DataFolderGuard {
    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    /// Call first thing in every command that writes data (serve, worker, purge, keys).
    public static func restrictUmask() {
        umask(mode_t(DataPermissionRule.umask))
    }

    /// Creates `data` (0700) when missing, then checks it and the files named.
    public static func prepare(data: URL, files: [URL], configuration: ProctorConfiguration, logger: Logger) throws {
        restrictUmask()
        let manager = FileManager.default
        if !manager.fileExists(atPath: data.path) {
            try manager.createDirectory(at: data, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(DataPermissionRule.folderMode)])
        }
        var problems: [String] = []
        if let problem = check(data, isFolder: true, what: "data folder") { problems.append(problem) }
        for file in files where manager.fileExists(atPath: file.path) {
            if let problem = check(file, isFolder: false, what: "file") { problems.append(problem) }
        }
        guard !problems.isEmpty else { return }
        if configuration.server.allowSharedDataPermissions {
            for problem in problems { logger.warning("\(problem) (allowed by server.allow_shared_data_permissions)") }
            return
        }
        throw Refused(description: "refusing to start: " + problems.joined(separator: "; "))
    }

    static func check(_ url: URL, isFolder: Bool, what: String) -> String? {
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.posixPermissions] as? NSNumber else { return nil }
        return DataPermissionRule.problem(path: url.path, mode: mode.uint16Value, isFolder: isFolder, what: what)
    }
}
