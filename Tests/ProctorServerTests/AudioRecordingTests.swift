import Foundation
import Hummingbird
import HummingbirdTesting
import ProctorCore
import ProctorRecording
import ProctorServer
import Testing

/// Chunks with sound, made by the tests: speech from `espeak-ng`, noise and tones from `sox`, muxed
/// with a clip's pictures by ffmpeg into VP8 + Opus webm, as the exam page records them.
enum SoundClip {
    enum Sound {
        /// Synthesised speech beginning `at` seconds into the chunk.
        case speech(String, at: Double)
        case pinkNoise
        case tone
        /// Half-second beeps, every second.
        case beeps
        case silence
    }

    static func make(_ video: String, seconds: Double, start: Double = 0, still: Bool = false, sound: Sound, corruptAudio: Bool = false) async throws
        -> [UInt8]
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sound-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let wave = folder.appendingPathComponent("sound.wav").path
        var audioFilter = "apad"
        switch sound {
        case .speech(let text, let at):
            _ = try await VideoTools.run("espeak-ng", ["-w", wave, text])
            let delay = Int(at * 1000)
            audioFilter = "adelay=\(delay)|\(delay),apad"
        case .pinkNoise: _ = try await VideoTools.run("sox", ["-n", "-r", "48000", "-c", "1", wave, "synth", "\(seconds)", "pinknoise", "vol", "0.3"])
        case .tone: _ = try await VideoTools.run("sox", ["-n", "-r", "48000", "-c", "1", wave, "synth", "\(seconds)", "sine", "440", "vol", "0.5"])
        case .beeps:
            _ = try await VideoTools.run(
                "sox", ["-n", "-r", "48000", "-c", "1", wave, "synth", "0.5", "sine", "1000", "vol", "0.5", "pad", "0", "0.5", "repeat", "\(Int(seconds))"])
        case .silence: _ = try await VideoTools.run("sox", ["-n", "-r", "48000", "-c", "1", wave, "trim", "0", "\(seconds)"])
        }
        let output = folder.appendingPathComponent("chunk.webm")
        let input = ServerTestEnvironment.testData.appendingPathComponent(video).path
        var arguments = ["-nostdin", "-y", "-v", "error"]
        arguments += still ? ["-loop", "1", "-t", "\(seconds)", "-i", input] : ["-ss", "\(start)", "-t", "\(seconds)", "-i", input]
        arguments += ["-i", wave]
        arguments += [
            "-filter_complex",
            "[0:v]scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=15,format=yuv420p[v];[1:a]\(audioFilter)[a]",
            "-map", "[v]", "-map", "[a]", "-t", "\(seconds)", "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "800k",
            "-c:a", "libopus", "-ac", "1",
        ]
        // The `noise` bitstream filter garbles the Opus packets: a stream that is there and cannot be decoded.
        if corruptAudio { arguments += ["-bsf:a", "noise=amount=3"] }
        arguments += ["-f", "webm", output.path]
        _ = try await VideoTools.run("ffmpeg", arguments)
        return [UInt8](try Data(contentsOf: output))
    }

    /// The sentence the tests speak: about five seconds of espeak-ng.
    static let sentence = "The answer to question four is seventeen. Write it down quickly before the proctor sees."
}

/// A recorded session through the API: created, consented, chunks uploaded, ended, processed by a
/// worker with the voice model, finalized. Returns its findings and milestones as the review sees them.
func recordSession(
    _ server: TestServer, chunks: [[UInt8]], chunkSeconds: Double, audio: AudioPolicy = .on
) async throws -> (id: String, events: [[String: Any]], milestones: [[String: Any]]) {
    let sessionId: String = try await server.application.test(.router) { client in
        let (sessionId, token) = try await client.execute(
            uri: "/api/sessions", method: .post, headers: server.admin,
            body: ByteBuffer(string: #"{"exam_id":"audio-1","candidate_id":"c-audio","chunk_seconds":\#(chunkSeconds),"audio":"\#(audio.rawValue)"}"#)
        ) { response in
            #expect(response.status == .created)
            #expect(json(response)["audio"] as? String == audio.rawValue)
            return (json(response)["id"] as? String ?? "", json(response)["upload_token"] as? String ?? "")
        }
        let auth: HTTPFields = [.authorization: "Bearer \(token)"]
        let items =
            audio.capturesAudio ? #"["webcam_frames","video_chunks","reference_photo","microphone"]"# : #"["webcam_frames","video_chunks","reference_photo"]"#
        try await client.execute(
            uri: "/api/sessions/\(sessionId)/consent", method: .post, headers: auth, body: ByteBuffer(string: #"{"notice_version":"a1","items":\#(items)}"#)
        ) { response in
            #expect(response.status == .ok, "\(String(buffer: response.body))")
        }
        for (index, chunk) in chunks.enumerated() {
            try await client.execute(
                uri: "/api/sessions/\(sessionId)/chunks/\(index)", method: .put, headers: auth + [.init("X-Chunk-SHA256")!: sha256(chunk)],
                body: ByteBuffer(bytes: chunk)
            ) { response in
                #expect(response.status == .created)
            }
        }
        try await client.execute(
            uri: "/api/sessions/\(sessionId)/end", method: .post, headers: auth, body: ByteBuffer(string: #"{"last_index":\#(chunks.count - 1)}"#)
        ) { response in
            #expect(response.status == .accepted)
        }
        return sessionId
    }
    try await drain(try await worker(for: server), session: sessionId, store: server.services.recordings)
    return try await server.application.test(.router) { client in
        try await client.execute(uri: "/api/sessions/\(sessionId)/review", method: .get, headers: server.admin) { response in
            let body = json(response)
            return (sessionId, body["events"] as? [[String: Any]] ?? [], body["milestones"] as? [[String: Any]] ?? [])
        }
    }
}

private func speech(_ events: [[String: Any]]) -> [[String: Any]] {
    events.filter { $0["source"] as? String == "audio" }
}

private func describe(_ events: [[String: Any]]) -> String {
    events.map { "\($0["type"]!)@\($0["start"] ?? "nil")-\($0["end"] ?? "nil") \($0["confidence"]!)" }.joined(separator: ", ")
}

@Suite("Speech in recorded sessions", .serialized, .timeLimit(.minutes(6)))
struct AudioRecordingTests {
    @Test("another voice while the candidate's mouth is still: one other_voice finding over the speech, with an Opus clip")
    func otherVoice() async throws {
        let server = try await TestServer.make(configure: quickRecording)
        let chunk = try await SoundClip.make("video/webcam_gaze_center_left_center.mp4", seconds: 12, sound: .speech(SoundClip.sentence, at: 3))
        let (id, events, _) = try await recordSession(server, chunks: [chunk], chunkSeconds: 12)
        let heard = speech(events)
        print("audio, still mouth + speech 3.0-8.1 s: \(describe(heard))")
        #expect(heard.count == 1)
        let finding = try #require(heard.first)
        #expect(finding["type"] as? String == "other_voice")
        #expect(abs((finding["start"] as? Double ?? -9) - 3.0) <= 0.5)
        #expect(abs((finding["end"] as? Double ?? -9) - 8.1) <= 0.5)
        #expect((finding["confidence"] as? Double ?? 0) > 0.5)
        #expect(finding["severity"] as? Double == 30)
        #expect(finding["evidence_type"] as? String == "audio")
        let url = try #require(finding["evidence_url"] as? String)
        try await server.application.test(.router) { client in
            try await client.execute(uri: url, method: .get, headers: server.admin) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "audio/ogg")
                #expect(response.body.readableBytesView.starts(with: Array("OggS".utf8)))
            }
        }
        // The clip is the segment's sound: its length is the segment's plus the padding.
        let seconds = try await server.services.blobs.withLocalFile("sessions/\(id)/evidence/\(finding["id"] as? String ?? "").ogg") {
            try await VideoTools.duration(of: $0)
        }
        #expect(abs(seconds - ((finding["end"] as? Double ?? 0) - (finding["start"] as? Double ?? 0) + 1.0)) < 0.6, "clip \(seconds) s")
    }

    @Test("a person talking on camera: talking")
    func talking() async throws {
        let server = try await TestServer.make(configure: quickRecording)
        // The newsreader speaks throughout her 2.2 s; the synthetic voice replaces her own sound.
        let chunk = try await SoundClip.make("video/news_single_face_frontal.mp4", seconds: 2.2, sound: .speech(SoundClip.sentence, at: 0))
        let (_, events, _) = try await recordSession(server, chunks: [chunk], chunkSeconds: 3)
        let heard = speech(events)
        print("audio, newsreader + speech: \(describe(heard))")
        #expect(heard.map { $0["type"] as? String } == ["talking"])
        #expect(heard.first?["severity"] as? Double == 10)
    }

    @Test("noise, a tone, beeps and silence: no speech findings", arguments: [SoundClip.Sound.pinkNoise, .tone, .beeps, .silence])
    func noSpeech(_ sound: SoundClip.Sound) async throws {
        let server = try await TestServer.make(configure: quickRecording)
        let chunk = try await SoundClip.make("video/webcam_gaze_center_left_center.mp4", seconds: 8, sound: sound)
        let (_, events, milestones) = try await recordSession(server, chunks: [chunk], chunkSeconds: 8)
        #expect(speech(events).isEmpty, "\(sound): \(describe(speech(events)))")
        #expect(!milestones.contains { $0["kind"] as? String == "audio_unreadable" })
    }

    @Test("speech across a chunk boundary: one finding on the video clock, not two")
    func acrossChunks() async throws {
        let server = try await TestServer.make(configure: quickRecording)
        // 4 s chunks; the speech runs from 2.5 s to about 7.6 s, across the boundary at 4 s.
        let whole = "video/webcam_gaze_center_left_center.mp4"
        let speechFile = FileManager.default.temporaryDirectory.appendingPathComponent("boundary-\(UUID().uuidString).webm")
        defer { try? FileManager.default.removeItem(at: speechFile) }
        try Data(try await SoundClip.make(whole, seconds: 8, sound: .speech(SoundClip.sentence, at: 2.5))).write(to: speechFile)
        var chunks: [[UInt8]] = []
        for start in [0.0, 4.0] {
            let piece = FileManager.default.temporaryDirectory.appendingPathComponent("piece-\(UUID().uuidString).webm")
            defer { try? FileManager.default.removeItem(at: piece) }
            _ = try await VideoTools.run(
                "ffmpeg",
                [
                    "-nostdin", "-y", "-v", "error", "-ss", "\(start)", "-t", "4", "-i", speechFile.path, "-c:v", "libvpx", "-deadline", "realtime",
                    "-cpu-used", "8", "-b:v", "800k", "-c:a", "libopus", "-f", "webm", piece.path,
                ])
            chunks.append([UInt8](try Data(contentsOf: piece)))
        }
        let (_, events, _) = try await recordSession(server, chunks: chunks, chunkSeconds: 4)
        let heard = speech(events)
        print("audio, speech across the chunk boundary: \(describe(heard))")
        #expect(heard.count == 1)
        let finding = try #require(heard.first)
        #expect(finding["type"] as? String == "other_voice")
        #expect(abs((finding["start"] as? Double ?? -9) - 2.5) <= 0.5)
        #expect((finding["end"] as? Double ?? 0) > 6.5)
        #expect((finding["details"] as? [String: Any])?["joined_chunks"] as? [Int] == [0, 1])
    }

    @Test("a corrupt audio stream: the video is still analysed, the sound is reported unreadable")
    func corruptAudio() async throws {
        let server = try await TestServer.make(configure: quickRecording)
        let chunk = try await SoundClip.make(
            "objects_people/unsplash_three_business_people.jpg", seconds: 4, still: true, sound: .speech(SoundClip.sentence, at: 0), corruptAudio: true)
        let (_, events, milestones) = try await recordSession(server, chunks: [chunk], chunkSeconds: 4)
        #expect(events.contains { $0["type"] as? String == "multiple_people" }, "\(describe(events))")
        #expect(speech(events).isEmpty)
        let unreadable = try #require(milestones.first { $0["kind"] as? String == "audio_unreadable" })
        #expect((unreadable["details"] as? [String: Any])?["chunk"] as? Int == 0)
    }

    @Test("an exam that requires sound: a chunk without any is an audio_unavailable finding; with sound on, it is not")
    func requiredAudio() async throws {
        let server = try await TestServer.make(configure: quickRecording)
        let silentChunk = try await ChunkFactory.make("video/webcam_gaze_center_left_center.mp4", seconds: 3)
        let required = try await recordSession(server, chunks: [silentChunk], chunkSeconds: 3, audio: .required)
        #expect(required.events.filter { $0["type"] as? String == "audio_unavailable" }.count == 1, "\(describe(required.events))")
        let optional = try await recordSession(server, chunks: [silentChunk], chunkSeconds: 3, audio: .on)
        #expect(!optional.events.contains { $0["type"] as? String == "audio_unavailable" })
    }
}
