import ArgumentParser
import Foundation
import ProctorCore

/// Options every command that loads models shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "JSON configuration file (snake_case keys; only what differs from the defaults).")
    var config: String?

    /// Defaults, then the file, then PROCTOR_* environment variables.
    func loadConfiguration() throws -> ProctorConfiguration {
        var file: Data?
        if let config {
            guard let data = FileManager.default.contents(atPath: config) else {
                throw ValidationError("cannot read configuration file \(config)")
            }
            file = data
        }
        do {
            return try ConfigurationLoader().load(defaults: ProctorConfiguration(), file: file, environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error.description)")
        }
    }
}

/// The options of every command that works on a data folder (worker, admin, purge, keys, storage):
/// the configuration file and `--data-dir`, which wins over the configuration's folder.
struct DataFolderOptions: ParsableArguments {
    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("data-dir"), help: "The data folder shared with the server (its database and blobs, unless configured elsewhere).")
    var dataDirectory: String?

    /// `CommonOptions.loadConfiguration`, with the data folder given on the command line.
    func loadConfiguration() throws -> ProctorConfiguration {
        var configuration = try common.loadConfiguration()
        if let dataDirectory { configuration.server.dataDirectory = dataDirectory }
        return configuration
    }
}
