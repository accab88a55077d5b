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
        if configured.hasPrefix("/") { return ModelDirectory(url: URL(fileURLWithPath: configured)) }
        let fileManager = FileManager.default
        let cwd = URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent(configured)
        if fileManager.fileExists(atPath: cwd.appendingPathComponent(ModelManifest.fileName).path) {
            return ModelDirectory(url: cwd)
        }
        var candidate = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let models = candidate.appendingPathComponent(configured)
            if fileManager.fileExists(atPath: models.appendingPathComponent(ModelManifest.fileName).path) {
                return ModelDirectory(url: models)
            }
            candidate.deleteLastPathComponent()
        }
        return ModelDirectory(url: cwd)
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
