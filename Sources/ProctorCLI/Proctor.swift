import ArgumentParser

/// The `proctor` command: analysis tools now, the server and workers as they arrive.
@main
struct Proctor: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "proctor",
        abstract: "Real-time AI exam proctoring: analyse webcam frames for faces, head pose, people and forbidden objects.",
        version: version,
        subcommands: [
            ServeCommand.self, WorkerCommand.self, AnalyzeCommand.self, VerifyCommand.self, BenchCommand.self, BenchRecordingCommand.self, LoadTestCommand.self,
            ConfigCommand.self, AdminCommand.self, PurgeCommand.self, KeysCommand.self, StorageCommand.self,
        ]
    )
}
