import Foundation

/// Finds model files on disk and says clearly which one is missing.
public struct ModelDirectory: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// Resolves a configured directory: absolute as given; relative against the working directory,
    /// then against the source checkout that contains the running executable (`.build/<config>/proctor`).
    public static func resolve(_ configured: String, executablePath: String = CommandLine.arguments.first ?? "") -> ModelDirectory {
        ModelDirectory(url: locate(configured, containing: ModelManifest.fileName, executablePath: executablePath))
    }

    /// Finds a configured path: absolute as given; relative against the working directory, then
    /// against the folders above the running executable. `containing` names a file that must be
    /// inside (for a folder); without it the path itself must exist. Falls back to the working directory.
    public static func locate(_ configured: String, containing marker: String? = nil, executablePath: String = CommandLine.arguments.first ?? "") -> URL {
        if configured.hasPrefix("/") { return URL(fileURLWithPath: configured) }
        let fileManager = FileManager.default
        func exists(_ url: URL) -> Bool {
            fileManager.fileExists(atPath: marker.map { url.appendingPathComponent($0).path } ?? url.path)
        }
        let cwd = URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent(configured)
        if exists(cwd) { return cwd }
        var candidate = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            if exists(candidate.appendingPathComponent(configured)) { return candidate.appendingPathComponent(configured) }
            candidate.deleteLastPathComponent()
        }
        return cwd
    }

    /// The path of a model file, or an error naming it and how to get it.
    public func path(for file: String) throws(VisionError) -> String {
        let path = url.appendingPathComponent(file).path
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw VisionError(.modelMissing, "model file \(file) is missing from \(url.path); run scripts/setup.sh (or set PROCTOR_MODELS__DIRECTORY)")
        }
        return path
    }

    public func manifest() throws -> ModelManifest {
        try ModelManifest(contentsOf: url.appendingPathComponent(ModelManifest.fileName))
    }
}
