import Foundation
import ProctorCore
import ProctorRecording

extension BenchRecordingCommand {
    /// Wall seconds of each blob-store step of a recorded session, as the server and workers do them.
    struct StorageTimes {
        var upload = 0.0
        var merge = 0.0
        var finalize = 0.0
        var playback = 0.0
        var total: Double { upload + merge + finalize + playback }
    }

    /// The session's blob traffic on `store`: upload every chunk (`put`), merge batches of
    /// `batchSize` (local copies, ffmpeg concat, `put`, delete the chunks), finalize (the batches
    /// into the master, `put`: multipart above 16 MiB on S3, delete the batches), then play the
    /// master back in 1 MiB ranged reads as a seeking player would.
    static func storagePass(on store: any BlobStore, chunks: [URL], session: String, batchSize: Int) async throws -> StorageTimes {
        var times = StorageTimes()
        var started = ContinuousClock.now
        var chunkKeys: [String] = []
        for (index, chunk) in chunks.enumerated() {
            let local = try store.temporaryURL(extension: "webm")
            try FileManager.default.createDirectory(at: local.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: chunk, to: local)
            let key = BlobKeys.chunk(session, index)
            try await store.put(key, movingFileAt: local)
            chunkKeys.append(key)
        }
        times.upload = started.secondsElapsed

        started = ContinuousClock.now
        var batchKeys: [String] = []
        for (batch, start) in stride(from: 0, to: chunkKeys.count, by: max(1, batchSize)).enumerated() {
            let members = Array(chunkKeys[start..<min(chunkKeys.count, start + max(1, batchSize))])
            let output = try store.temporaryURL(extension: "webm")
            try await store.withLocalFiles(members) { try await VideoTools.concatenate($0, into: output) }
            let key = BlobKeys.batch(session, batch)
            try await store.put(key, movingFileAt: output)
            for member in members { try await store.delete(member) }
            batchKeys.append(key)
        }
        times.merge = started.secondsElapsed

        started = ContinuousClock.now
        let output = try store.temporaryURL(extension: "webm")
        try await store.withLocalFiles(batchKeys) { try await VideoTools.concatenate($0, into: output) }
        try await store.put(BlobKeys.master(session), movingFileAt: output)
        for key in batchKeys { try await store.delete(key) }
        times.finalize = started.secondsElapsed

        started = ContinuousClock.now
        let size = await store.size(BlobKeys.master(session)) ?? 0
        var offset = 0
        var received = 0
        while offset < size {
            let upper = min(size, offset + 1024 * 1024) - 1
            try await store.read(BlobKeys.master(session), range: offset...upper) { received += $0.readableBytes }
            offset = upper + 1
        }
        times.playback = started.secondsElapsed
        guard received == size else { throw BlobError.io("played back \(received) of \(size) bytes") }
        _ = try await store.deleteTree("sessions/\(session)")
        return times
    }

    /// Prints the file store's and S3's times per minute of video, and the difference.
    static func printStorage(files: StorageTimes, s3: StorageTimes, videoSeconds: Double, bytes: Int, endpoint: String) {
        let perMinute = 60 / max(videoSeconds, 0.001)
        print(
            String(
                format: "  storage (%.0f s of video, %.1f MiB; S3 at %@): seconds per minute of video, files vs S3", videoSeconds,
                Double(bytes) / 1_048_576, endpoint))
        for (name, file, bucket) in [
            ("upload", files.upload, s3.upload), ("merge", files.merge, s3.merge), ("finalize", files.finalize, s3.finalize),
            ("playback", files.playback, s3.playback), ("total", files.total, s3.total),
        ] {
            let label = name.padding(toLength: 9, withPad: " ", startingAt: 0)
            print("    \(label)" + String(format: " %6.2f s  %6.2f s  (%+.2f s)", file * perMinute, bucket * perMinute, (bucket - file) * perMinute))
        }
    }
}
