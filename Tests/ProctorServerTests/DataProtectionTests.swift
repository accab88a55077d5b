import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ProctorCore
import ProctorOperations
import ProctorRecording
import ProctorStore
import ProctorStoreSQLite
import Testing

@testable import ProctorServer

/// Issue 17: private files, encrypted blobs, crypto-shredding, signing keys from the master key,
/// live tickets instead of tokens in URLs, and closed metrics.
@Suite("Data protection at rest and in URLs")
struct DataProtectionTests {
    static let jpegMagic: [UInt8] = [0xFF, 0xD8, 0xFF]
    static let webmMagic: [UInt8] = [0x1A, 0x45, 0xDF, 0xA3]

    /// `count` bytes that start like a WebM file and never repeat within a segment.
    static func fakeVideo(_ count: Int) -> Data {
        var bytes = webmMagic
        bytes.reserveCapacity(count)
        var state: UInt32 = 12345
        while bytes.count < count {
            state = state &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: state >> 16))
        }
        return Data(bytes)
    }

    func createSession(_ client: some TestClientProtocol, server: TestServer) async throws -> (id: String, token: String) {
        try await client.execute(
            uri: "/api/sessions", method: .post, headers: server.admin, body: ByteBuffer(string: #"{"exam_id":"e-17","candidate_id":"dana"}"#)
        ) { response in
            #expect(response.status == .created)
            return (json(response)["id"] as? String ?? "", json(response)["upload_token"] as? String ?? "")
        }
    }

    func consent(_ client: some TestClientProtocol, id: String, token: String) async throws {
        try await client.execute(
            uri: "/api/sessions/\(id)/consent", method: .post, headers: [.authorization: "Bearer \(token)"],
            body: ByteBuffer(string: #"{"notice_version":"1","items":["webcam_frames","video_chunks","reference_photo","microphone"]}"#)
        ) { #expect($0.status == .ok) }
    }

    func mode(_ url: URL) throws -> Int {
        try #require((try FileManager.default.attributesOfItem(atPath: url.path))[.posixPermissions] as? NSNumber).intValue & 0o777
    }

    @Test("the data folder is made 0700 and files 0600; a 0755 data folder is refused with the fix, unless shared permissions are allowed")
    func permissions() async throws {
        let parent = try ServerTestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: parent) }
        let data = parent.appendingPathComponent("data")
        var configuration = ProctorConfiguration()
        configuration.server.dataDirectory = data.path
        let logger = Logger(label: "test")
        let database = data.appendingPathComponent("proctor.sqlite")
        try DataFolderGuard.prepare(data: data, files: [database], configuration: configuration, logger: logger)
        #expect(try mode(data) == 0o700)
        _ = try SQLiteSessionStore(path: database.path)
        #expect(try mode(database) == 0o600)
        let blobs = try FileBlobStore(root: data.appendingPathComponent("blobs"))
        try await blobs.write("sessions/s/reference.jpg", data: Data(Self.jpegMagic))
        #expect(try mode(data.appendingPathComponent("blobs/sessions/s/reference.jpg")) == 0o600)
        #expect(try mode(data.appendingPathComponent("blobs/sessions/s")) == 0o700)
        let keyring = try MasterKeySource(configuration: configuration, environment: [:]).load(
            create: true, configuration: configuration, logger: logger, environment: [:])
        let keyFile = parent.appendingPathComponent("data-keys/master.key")
        #expect(try mode(keyFile) == 0o600 && (try mode(keyFile.deletingLastPathComponent())) == 0o700)
        #expect(try String(contentsOf: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == MasterKeyText.format(keyring.current.bytes))

        chmod(data.path, 0o755)
        let refusal = #expect(throws: DataFolderGuard.Refused.self) {
            try DataFolderGuard.prepare(data: data, files: [database], configuration: configuration, logger: logger)
        }
        #expect(refusal?.description.contains("can be read by other users (mode 0755)") == true, "\(refusal?.description ?? "")")
        #expect(refusal?.description.contains("chmod 700 \(data.path)") == true)
        chmod(data.path, 0o700)
        chmod(database.path, 0o644)
        #expect(throws: DataFolderGuard.Refused.self) {
            try DataFolderGuard.prepare(data: data, files: [database], configuration: configuration, logger: logger)
        }
        configuration.server.allowSharedDataPermissions = true
        try DataFolderGuard.prepare(data: data, files: [database], configuration: configuration, logger: logger)
        // A key file others can read is refused too.
        configuration.server.allowSharedDataPermissions = false
        chmod(keyFile.path, 0o644)
        #expect(throws: MasterKeySource.Failure.self) {
            try MasterKeySource(configuration: configuration, environment: [:]).load(
                create: false, configuration: configuration, logger: logger, environment: [:])
        }
    }

    @Test("blobs on disk carry no JPEG or WebM magic; the API returns the original bytes, ranges across segment boundaries included")
    func encryptedAtRest() async throws {
        let server = try await TestServer.make(withModels: false)
        let blobs = server.services.blobs
        let segment = server.services.configuration.protection.segmentBytes
        let video = Self.fakeVideo(3 * segment + 1234)
        let photo = Data(Self.jpegMagic + [UInt8](repeating: 0x42, count: 5000))
        try await server.application.test(.router) { client in
            let session = try await createSession(client, server: server)
            // A merged master, as the merge job stores it (put), and a reference photo (write).
            let temporary = try blobs.temporaryURL(extension: "webm")
            try video.write(to: temporary)
            try await blobs.put(BlobKeys.master(session.id), movingFileAt: temporary)
            #expect(!FileManager.default.fileExists(atPath: temporary.path))
            try await blobs.write(BlobKeys.reference(session.id), data: photo)
            var record = try #require(try await server.services.recordings.recording(sessionId: session.id))
            record.masterKey = BlobKeys.master(session.id)
            try await server.services.recordings.updateRecording(record)

            let folder = server.dataDirectory.appendingPathComponent("blobs/sessions/\(session.id)")
            let storedVideo = try Data(contentsOf: folder.appendingPathComponent("master.webm"))
            let storedPhoto = try Data(contentsOf: folder.appendingPathComponent("reference.jpg"))
            #expect(Array(storedVideo.prefix(4)) != Self.webmMagic && Array(storedPhoto.prefix(3)) != Self.jpegMagic)
            #expect(storedVideo.range(of: video.subdata(in: 100..<164)) == nil, "no plaintext run on disk")
            #expect(storedVideo.count == SegmentedCipherLayout(segmentSize: segment).ciphertextSize(plaintextSize: video.count))
            #expect(try await blobs.data(BlobKeys.reference(session.id)) == photo)
            #expect(await blobs.size(BlobKeys.master(session.id)) == video.count)

            try await client.execute(uri: "/api/sessions/\(session.id)/video", method: .get, headers: server.admin) { response in
                #expect(response.status == .ok)
                #expect(Data(buffer: response.body) == video)
            }
            for (lower, upper) in [(segment - 10, segment + 10), (1, 3 * segment + 5), (2 * segment, 2 * segment), (3 * segment, video.count - 1), (0, 0)] {
                try await client.execute(
                    uri: "/api/sessions/\(session.id)/video", method: .get, headers: server.admin + [.range: "bytes=\(lower)-\(upper)"]
                ) { response in
                    #expect(response.status == .partialContent)
                    #expect(response.headers[.contentRange] == "bytes \(lower)-\(upper)/\(video.count)")
                    #expect(Data(buffer: response.body) == video.subdata(in: lower..<(upper + 1)), "bytes=\(lower)-\(upper)")
                }
            }
            // Tools that need a path get a plaintext scratch copy, gone afterwards.
            let scratch = try await blobs.withLocalFile(BlobKeys.master(session.id)) { url -> URL in
                let plain = try Data(contentsOf: url)
                #expect(plain == video)
                return url
            }
            #expect(!FileManager.default.fileExists(atPath: scratch.path))

            // An altered byte is a clear error, not a crash and not wrong bytes.
            var tampered = storedVideo
            tampered[SegmentedCipherLayout.headerSize + segment + 100] ^= 0x01
            try tampered.write(to: folder.appendingPathComponent("master.webm"))
            await #expect(throws: ProtectionError.tampered(key: BlobKeys.master(session.id), segment: 1)) {
                try await blobs.read(BlobKeys.master(session.id), range: nil) { _ in }
            }
            // A file moved under another key does not open either (the key is associated data).
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("evidence"), withIntermediateDirectories: true)
            try storedPhoto.write(to: folder.appendingPathComponent("evidence/moved.jpg"))
            await #expect(throws: ProtectionError.self) { try await blobs.data(BlobKeys.evidence(session.id, "moved")) }
        }
        await server.stop()
    }

    @Test("deleting a session deletes its data key: a copy of its files taken before cannot be read")
    func cryptoShredding() async throws {
        let server = try await TestServer.make(withModels: false)
        let blobs = server.services.blobs
        let photo = Data(Self.jpegMagic + [UInt8](repeating: 7, count: 1000))
        try await server.application.test(.router) { client in
            let session = try await createSession(client, server: server)
            try await blobs.write(BlobKeys.reference(session.id), data: photo)
            try await blobs.write(BlobKeys.liveSnapshot(session.id), data: photo)
            let folder = server.dataDirectory.appendingPathComponent("blobs/sessions/\(session.id)")
            let backup = server.dataDirectory.appendingPathComponent("backup-\(session.id)")
            try FileManager.default.copyItem(at: folder, to: backup)
            #expect(try await server.services.keys.dataKey(sessionId: session.id) != nil)

            try await client.execute(uri: "/api/sessions/\(session.id)", method: .delete, headers: server.admin) { #expect($0.status == .ok) }
            #expect(!FileManager.default.fileExists(atPath: folder.path))
            #expect(try await server.services.keys.dataKey(sessionId: session.id) == nil)
            // The old backup comes back: its bytes are there, but nothing opens them.
            try FileManager.default.copyItem(at: backup, to: folder)
            await #expect(throws: ProtectionError.noDataKey(session: session.id)) { try await blobs.data(BlobKeys.reference(session.id)) }
            // Not even a server started afresh with the same master key and database.
            let fresh = EncryptingBlobStore(
                inner: try FileBlobStore(root: server.dataDirectory.appendingPathComponent("blobs")),
                keys: SessionKeyProvider(store: server.services.keys, keyring: try Self.keyring(server)))
            await #expect(throws: ProtectionError.noDataKey(session: session.id)) { try await fresh.data(BlobKeys.reference(session.id)) }
        }
        await server.stop()
    }

    static func keyring(_ server: TestServer) throws -> MasterKeyring {
        try MasterKeySource(configuration: server.services.configuration, environment: [:]).load(
            create: false, configuration: server.services.configuration, logger: Logger(label: "test"), environment: [:])
    }

    @Test("signing keys come from the master key: a database copy alone mints nothing; after a rotation the old key works only for the grace period")
    func signingKeys() async throws {
        let server = try await TestServer.make(withModels: false)
        let admin = try #require(try await server.services.accounts.user(username: "test-admin"))
        let now = Date()
        let claims = AccessToken(
            sub: admin.id, role: .admin, iat: now.timeIntervalSince1970, exp: now.timeIntervalSince1970 + 10 * 3600, jti: "j", sid: nil, name: nil)
        // Everything the database holds, with a master key of one's own, signs tokens the server refuses.
        let generation = Int(try await server.services.keys.setting(KeyRotation.generationSetting) ?? "0") ?? 0
        let forger = TokenSigner(keyring: .ephemeral(), generation: generation, rotatedAt: nil, grace: 0)
        #expect(throws: TokenSigner.Failure.badSignature) { try server.services.signer.verify(try forger.sign(claims)) }
        #expect(try await server.services.keys.setting("token_signing_key") == nil)

        let old = try server.services.signer.sign(claims)
        let keyring = try Self.keyring(server)
        let source = MasterKeySource(configuration: server.services.configuration, environment: [:])
        // A master key rotation: data keys sealed again, the old signing key accepted within the grace.
        try await server.services.blobs.write(BlobKeys.reference("rotated"), data: Data([1, 2, 3]))
        let report = try await KeyRotation.rotate(
            source: source, keyring: keyring, store: server.services.keys, signingOnly: false, now: now, logger: Logger(label: "test"))
        #expect(report.previousMasterKeyId == keyring.current.id && report.masterKeyId != keyring.current.id && report.rewrapped >= 1)
        let rotated = try Self.keyring(server)
        #expect(rotated.current.id == report.masterKeyId && rotated.previous?.id == keyring.current.id)
        #expect(try await server.services.keys.dataKeys().allSatisfy { $0.masterKeyId == rotated.current.id })
        let reopened = EncryptingBlobStore(
            inner: try FileBlobStore(root: server.dataDirectory.appendingPathComponent("blobs")),
            keys: SessionKeyProvider(store: server.services.keys, keyring: rotated))
        #expect(try await reopened.data(BlobKeys.reference("rotated")) == Data([1, 2, 3]))
        let grace = 3600.0
        let signer = TokenSigner(keyring: rotated, generation: 0, rotatedAt: now, grace: grace)
        #expect(try signer.verify(old, now: now.addingTimeInterval(grace - 1)).sub == admin.id)
        #expect(throws: TokenSigner.Failure.badSignature) { try signer.verify(old, now: now.addingTimeInterval(grace + 1)) }
        #expect(try signer.verify(try signer.sign(claims), now: now.addingTimeInterval(grace + 1)).sub == admin.id)

        // A signing-only rotation: a new generation from the same master key, the same grace.
        let current = try signer.sign(claims)
        let second = try await KeyRotation.rotate(
            source: source, keyring: rotated, store: server.services.keys, signingOnly: true, now: now, logger: Logger(label: "test"))
        #expect(second.signingGeneration == 1)
        let next = TokenSigner(keyring: MasterKeyring(current: rotated.current), generation: 1, rotatedAt: now, grace: grace)
        #expect(try next.verify(current, now: now.addingTimeInterval(10)).sub == admin.id)
        #expect(throws: TokenSigner.Failure.badSignature) { try next.verify(current, now: now.addingTimeInterval(grace + 10)) }
        await server.stop()
    }

    @Test("the live socket refuses a token in its URL; a ticket opens its own session once, not twice, not after it expires")
    func liveTickets() async throws {
        let server = try await TestServer.make(withModels: false) { $0.auth.liveTicketSeconds = 1 }
        try await server.application.test(.router) { client in
            let session = try await createSession(client, server: server)
            try await consent(client, id: session.id, token: session.token)
            func ticket(_ headers: HTTPFields, body: String? = nil) async throws -> String {
                try await client.execute(uri: "/api/live/ticket", method: .post, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                    #expect(json(response)["session_id"] as? String == session.id)
                    #expect(json(response)["expires_in"] as? Double == 1)
                    return json(response)["ticket"] as? String ?? ""
                }
            }
            func open(_ query: String, session id: String = session.id) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: "/ws/\(id)?\(query)", method: .get) { response in
                    (response.status, json(response)["code"] as? String ?? "")
                }
            }
            let candidate: HTTPFields = [.authorization: "Bearer \(session.token)"]
            // No models here: a caller let in is told 503 models_unavailable, after every access check.
            let first = try await ticket(candidate)
            #expect(try await open("ticket=\(first)") == (.serviceUnavailable, "models_unavailable"))
            #expect(try await open("ticket=\(first)") == (.unauthorized, "invalid_ticket"), "used once already")
            #expect(try await open("token=\(session.token)") == (.unauthorized, "token_in_url"))
            let other = try await ticket(candidate)
            #expect(try await open("ticket=\(other)", session: "another-session") == (.unauthorized, "invalid_ticket"))
            let late = try await ticket(candidate)
            try await Task.sleep(for: .milliseconds(1300))
            #expect(try await open("ticket=\(late)") == (.unauthorized, "invalid_ticket"), "expired")
            // Staff who may create exams name the session; reviewers get none; no caller gets none.
            let staff = try await ticket(server.admin, body: #"{"session_id":"\#(session.id)"}"#)
            #expect(try await open("ticket=\(staff)") == (.serviceUnavailable, "models_unavailable"))
            try await client.execute(uri: "/api/live/ticket", method: .post, headers: server.admin) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/live/ticket", method: .post, headers: server.headers(.reviewer)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/live/ticket", method: .post) { #expect($0.status == .unauthorized) }
            // A replaced invitation takes its tickets with it.
            let stale = try await ticket(candidate)
            try await client.execute(uri: "/api/sessions/\(session.id)/invitation", method: .post, headers: server.admin) { #expect($0.status == .ok) }
            #expect(try await open("ticket=\(stale)").0 == .forbidden)
            try await client.execute(uri: "/api/live/ticket", method: .post, headers: candidate) { #expect($0.status == .forbidden) }
        }
        await server.stop()
    }

    @Test("the switch for old clients lets a token in the URL through")
    func legacyTokenInURL() async throws {
        let server = try await TestServer.make(withModels: false) { $0.auth.allowTokenInLiveUrl = true }
        try await server.application.test(.router) { client in
            let session = try await createSession(client, server: server)
            try await consent(client, id: session.id, token: session.token)
            try await client.execute(uri: "/ws/\(session.id)?token=\(session.token)", method: .get) { #expect($0.status == .serviceUnavailable) }
        }
        await server.stop()
    }

    @Test("/metrics needs the metrics token or a staff login by default, and is open only when configured")
    func metrics() async throws {
        let closed = try await TestServer.make(withModels: false) { $0.auth.metricsToken = "scrape-me" }
        try await closed.application.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer wrong"]) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer scrape-me"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get, headers: closed.headers(.proctor)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get, headers: closed.headers(.reviewer)) { #expect($0.status == .forbidden) }
        }
        await closed.stop()
        let open = try await TestServer.make(withModels: false) { $0.auth.openMetrics = true }
        try await open.application.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .ok) }
        }
        await open.stop()
    }
}
