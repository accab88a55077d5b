import ArgumentParser
import Foundation
import ProctorCore

/// `proctor config`: the effective configuration, and the variables that override it.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration as JSON (defaults, then --config file, then PROCTOR_* variables)."
    )

    @OptionGroup var common: CommonOptions

    @Flag(help: "List every setting as the environment variable that overrides it, with its value.")
    var environment = false

    func run() async throws {
        let configuration = try common.loadConfiguration()
        if environment {
            for (name, value) in try ConfigurationLoader().environmentVariables(for: configuration.redacted) {
                print("\(name)=\(value)")
            }
        } else {
            print(String(decoding: try ConfigurationLoader.encoder.encode(configuration.redacted), as: UTF8.self))
        }
    }
}
