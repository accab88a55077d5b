import Foundation
import ProctorCore
import ProctorPipeline
import ProctorStore
import ProctorVision

extension ChunkProcessor {
    /// One finding per speech segment, attributed by the mouth, with the segment's sound as evidence.
    func speechFindings(
        _ segments: [SpeechSegment], mouths: [MouthSample], chunk: ChunkRecord, url: URL, recorder: inout FindingRecorder
    ) async -> [FindingRecord] {
        var findings: [FindingRecord] = []
        for (segment, verdict) in speech.attribute(segments, mouths: mouths) {
            let id = UUID().uuidString.lowercased()
            let key = BlobKeys.audioEvidence(chunk.sessionId, id)
            let saved = await saveClip(from: url, segment: segment, key: key)
            let details = FindingDetails(
                speechProbability: Self.rounded(segment.probability), mouthMovement: verdict.movement.map(Self.rounded),
                mouthOpening: verdict.meanOpening.map(Self.rounded), faceShare: Self.rounded(verdict.faceShare), mouthFrames: verdict.frames)
            findings.append(
                recorder.add(
                    id: id, kind: verdict.kind, start: segment.start, end: segment.end, confidence: Self.rounded(verdict.confidence),
                    frames: verdict.frames, chunkIndex: chunk.index, evidenceKey: saved ? key : nil, details: details))
        }
        return findings
    }

    /// The segment's sound as evidence; false when it failed (the finding is kept without evidence).
    func saveClip(from url: URL, segment: SpeechSegment, key: String) async -> Bool {
        do {
            try await AudioEvidence.save(from: url, segment: segment, key: key, blobs: blobs, settings: configuration.audio)
            return true
        } catch {
            logger.warning("audio evidence clip failed", metadata: ["blob": "\(key)", "error": "\(error)"])
            return false
        }
    }

    static func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
}
