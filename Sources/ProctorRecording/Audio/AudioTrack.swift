import Foundation

/// The sound of a recorded chunk, through `ffprobe` and `ffmpeg`: whether there is any, its samples
/// as the voice-activity model wants them, and short clips for evidence.
public enum AudioTrack {
    /// The codec of the file's first audio stream, nil when it has none.
    public static func codec(of url: URL) async throws -> String? {
        let output = try await VideoTools.run(
            "ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=codec_name", "-of", "default=noprint_wrappers=1:nokey=1", url.path])
        let codec = output.trimmingCharacters(in: .whitespacesAndNewlines)
        return codec.isEmpty ? nil : codec
    }

    /// Decodes the first audio stream to 16 kHz mono 32-bit float samples, written to `output`
    /// (raw little-endian floats); returns the stream's codec, or nil when the file has no audio
    /// stream. Any decoding error fails (`-xerror`): a corrupt stream is reported as unreadable
    /// rather than analysed in part.
    public static func extractSamples(from url: URL, to output: URL) async throws -> String? {
        do {
            // `-v info` prints the input's streams ("Stream #0:1: Audio: opus, 48000 Hz, mono…") on stderr.
            let log = try await VideoTools.runCapturingErrors(
                "ffmpeg",
                [
                    // A small probe, and the pictures ignored at the input: the sound alone is demuxed and decoded.
                    "-nostdin", "-y", "-hide_banner", "-v", "info", "-nostats", "-xerror", "-probesize", "65536", "-analyzeduration", "0", "-vn", "-i",
                    url.path, "-map", "0:a:0", "-ac", "1", "-ar", "16000", "-f", "f32le", output.path,
                ])
            let audioLine = log.split(separator: "\n").first { $0.contains("Audio: ") }
            return audioLine.flatMap {
                $0.components(separatedBy: "Audio: ").last?.split(separator: ",").first.map { String($0.split(separator: " ").first ?? $0) }
            }
                ?? "unknown"
        } catch let error as VideoToolError {
            if error.description.contains("matches no streams") { return nil }
            // Keep what ffmpeg said was wrong, not the stream list printed before it.
            let problems = error.description.split(separator: "\n").filter { $0.localizedCaseInsensitiveContains("error") || $0.contains("Invalid") }
            throw VideoToolError("ffmpeg: " + (problems.isEmpty ? error.description : problems.suffix(3).joined(separator: "; ")))
        }
    }

    /// Reads raw little-endian float samples (blocking: call it on a worker thread).
    public static func readSamples(at url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        var samples = [Float](repeating: 0, count: data.count / MemoryLayout<Float>.size)
        _ = samples.withUnsafeMutableBytes { data.copyBytes(to: $0) }
        return samples
    }

    /// Cuts `duration` seconds of sound from `start` into an Ogg/Opus clip (mono, 24 kbit/s: speech
    /// stays intelligible and a minute is about 180 kB).
    public static func clip(from url: URL, start: Double, duration: Double, to output: URL) async throws {
        _ = try await VideoTools.run(
            "ffmpeg",
            [
                "-nostdin", "-y", "-v", "error", "-ss", String(format: "%.3f", max(0, start)), "-t", String(format: "%.3f", max(0.1, duration)),
                "-i", url.path, "-map", "0:a:0", "-vn", "-ac", "1", "-c:a", "libopus", "-b:a", "24k", "-compression_level", "0", "-f", "ogg",
                output.path,
            ])
    }
}
