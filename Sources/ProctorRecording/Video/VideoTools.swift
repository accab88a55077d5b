import Foundation

/// The `ffmpeg` and `ffprobe` command-line tools, run as child processes without blocking a thread.
public enum VideoTools {
    /// Joins videos of the same codec without re-encoding (`-f concat -c copy`).
    public static func concatenate(_ inputs: [URL], into output: URL) async throws {
        guard !inputs.isEmpty else { throw VideoToolError("nothing to concatenate") }
        let list = output.deletingLastPathComponent().appendingPathComponent("\(UUID().uuidString).txt")
        // The concat demuxer's list format: one `file '<path>'` per line, quotes escaped.
        let text = inputs.map { "file '\($0.path.replacingOccurrences(of: "'", with: "'\\''"))'" }.joined(separator: "\n") + "\n"
        try text.write(to: list, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: list) }
        _ = try await run("ffmpeg", ["-nostdin", "-y", "-v", "error", "-f", "concat", "-safe", "0", "-i", list.path, "-c", "copy", "-f", "webm", output.path])
    }

    /// The container's duration in seconds.
    public static func duration(of url: URL) async throws -> Double {
        let output = try await run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", url.path])
        guard let seconds = Double(output.trimmingCharacters(in: .whitespacesAndNewlines)), seconds.isFinite else {
            throw VideoToolError("ffprobe gave no duration for \(url.lastPathComponent): \(output.prefix(200))")
        }
        return seconds
    }

    /// Runs a tool found on the PATH; its standard output on success, its standard error in the error.
    public static func run(_ tool: String, _ arguments: [String]) async throws -> String {
        try await execute(tool, arguments).stdout
    }

    /// Like `run`, for a tool that reports on standard error (ffmpeg's stream list): that on success.
    public static func runCapturingErrors(_ tool: String, _ arguments: [String]) async throws -> String {
        try await execute(tool, arguments).stderr
    }

    private static func execute(_ tool: String, _ arguments: [String]) async throws -> (stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard status == 0 else { throw VideoToolError("\(tool) failed (\(status)): \(stderr.suffix(400))") }
        return (stdout, stderr)
    }
}

public struct VideoToolError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
