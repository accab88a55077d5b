import Foundation
import ProctorCore

/// The evidence of a speech finding: its sound, with a little before and after, as an Ogg/Opus clip
/// in the blob store (the review page plays it).
public enum AudioEvidence {
    public static func save(from url: URL, segment: SpeechSegment, key: String, blobs: any BlobStore, settings: AudioConfiguration) async throws {
        let start = max(0, segment.start - settings.clipPaddingSeconds)
        let duration = min(settings.maximumClipSeconds, segment.end + settings.clipPaddingSeconds - start)
        let output = try blobs.temporaryURL(extension: "ogg")
        do {
            try await AudioTrack.clip(from: url, start: start, duration: duration, to: output)
            try await blobs.put(key, movingFileAt: output)
        } catch {
            try? FileManager.default.removeItem(at: output)
            throw error
        }
    }
}
