import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import Logging
import NIOCore
import ProctorCore
import ProctorOperations
import ProctorPipeline
import ProctorRecording
import ProctorStore
import ProctorStoreSQLite
import ProctorVision

@testable import ProctorServer

enum ServerTestEnvironment {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let testData =
        ProcessInfo.processInfo.environment["PROCTOR_TESTDATA"].map { URL(fileURLWithPath: $0) }
        ?? checkout.appendingPathComponent("../shared/testdata").standardizedFileURL

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: testData.appendingPathComponent(relative)))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-server-\(UUID().uuidString)")
        // Private, as the server makes its own data folder and files (umask 077): a `proctor worker`
        // started on it refuses a folder or database that others can read.
        DataFolderGuard.restrictUmask()
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return url
    }
}

/// One CV pool for the whole test run.
let serverTestPool = Task { () throws -> VisionWorkerPool in
    let directory = ModelDirectory(url: ServerTestEnvironment.checkout.appendingPathComponent("models"))
    let configuration = PipelineConfiguration()
    return try await VisionWorkerPool.start(size: 2, openCVThreads: 1) { () throws(VisionError) in
        try VisionModels(configuration: configuration, directory: directory)
    }
}

/// Silero VAD on ONNX Runtime, as `scripts/setup.sh` installs them, for the chunks' sound.
let serverTestVoiceActivity = Task { () throws -> VoiceActivityDetector in
    let engine = try OnnxRuntimeInferenceEngine(
        libraryPath: ServerTestEnvironment.checkout.appendingPathComponent(VisionConfiguration().onnxruntimeLibrary).path, intraOpThreads: 1)
    return VoiceActivityDetector(modelPath: ServerTestEnvironment.checkout.appendingPathComponent("models/silero_vad.onnx").path, engine: engine)
}

/// A server on its own data folder, with its writer running.
struct TestServer {
    let services: ProctorServices
    let writerTask: Task<Void, Never>
    let dataDirectory: URL
    /// Login tokens of one account per staff role, made at start.
    let tokens: [Role: String]

    /// `Authorization: Bearer` headers of the role's account.
    func headers(_ role: Role = .admin) -> HTTPFields {
        [.authorization: "Bearer \(tokens[role] ?? "")"]
    }

    /// Admin headers, for tests about something other than access.
    var admin: HTTPFields { headers(.admin) }

    /// A live WebSocket path; open it with `liveConfiguration` (the admin's token in a header).
    func live(_ sessionId: String) -> String {
        "/ws/\(sessionId)"
    }

    /// A WebSocket client configuration sending the admin's token as `Authorization`, never in the URL.
    var liveConfiguration: WebSocketClientConfiguration {
        WebSocketClientConfiguration(maxFrameSize: 1 << 24, additionalHeaders: admin)
    }

    /// `/ws/{id}?ticket=…` with a fresh ticket from `POST /api/live/ticket` for the candidate's invitation.
    func ticketPath(_ client: some TestClientProtocol, sessionId: String, token: String) async throws -> String {
        try await client.execute(uri: "/api/live/ticket", method: .post, headers: [.authorization: "Bearer \(token)"], body: nil) { response in
            guard response.status == .created,
                let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any],
                let ticket = object["ticket"] as? String
            else { throw TestServerError("no live ticket: \(response.status) \(String(buffer: response.body))") }
            return "/ws/\(sessionId)?ticket=\(ticket)"
        }
    }

    /// `blobs` replaces the folder store in the data directory (an S3 store, for the tests against the
    /// S3 server); either way it sits under the encryption layer, as in `proctor serve`.
    static func make(
        dataDirectory: URL? = nil, withModels: Bool = true, blobs: (any BlobStore)? = nil, configure: (inout ProctorConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        var configuration = ProctorConfiguration()
        // Cheap password hashing keeps the suite fast; the production cost is the default.
        configuration.auth.scryptCostLog2 = 10
        configure(&configuration)
        let data = try dataDirectory ?? ServerTestEnvironment.temporaryDirectory()
        configuration.server.dataDirectory = data.path
        var logger = Logger(label: "proctor.test")
        logger.logLevel = .warning
        let store = try SQLiteSessionStore(path: data.appendingPathComponent("proctor.sqlite").path)
        let writer = BatchedStoreWriter(store: store, interval: .milliseconds(50), logger: logger)
        // As `proctor serve` does: the master key file beside the data folder (made on the first
        // start), and every blob encrypted with its session's data key.
        let keyring = try MasterKeySource(configuration: configuration, environment: [:]).load(
            create: true, configuration: configuration, logger: logger, environment: [:])
        let holder = try blobs ?? FileBlobStore(root: data.appendingPathComponent("blobs"))
        let encrypted: any BlobStore =
            configuration.protection.encryptBlobs
            ? EncryptingBlobStore(inner: holder, keys: SessionKeyProvider(store: store, keyring: keyring), segmentSize: configuration.protection.segmentBytes)
            : holder
        let services = try await ProctorServices.make(
            configuration: configuration, version: "test", pool: withModels ? try await serverTestPool.value : nil,
            modelError: withModels ? nil : "model file x.onnx is missing", store: store,
            blobs: encrypted, keyring: keyring, writer: writer, logger: logger
        )
        var tokens: [Role: String] = [:]
        for role in Role.staff {
            let name = "test-\(role.rawValue)"
            let existing = try await store.user(username: name)  // a restart on the same data folder
            var user = existing
            if user == nil {
                user = try await AccountAdministration.createUser(
                    username: name, password: "password-\(role.rawValue)", role: role,
                    store: store, configuration: configuration)
            }
            guard let user else { continue }
            let now = Date().timeIntervalSince1970
            tokens[role] = try services.signer.sign(
                AccessToken(sub: user.id, role: role, iat: now, exp: now + 3600, jti: UUID().uuidString, sid: nil, name: user.username))
        }
        return TestServer(services: services, writerTask: Task { await writer.run() }, dataDirectory: data, tokens: tokens)
    }

    var application: some ApplicationProtocol { ProctorApplication.build(services: services, port: 0) }

    /// Writes everything queued and stops the writer.
    func stop() async {
        await services.writer.drain()
        await writerTask.value
    }
}

struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Collects a WebSocket conversation's text messages as JSON objects.
final class Conversation: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String] = []

    func append(_ text: String) {
        lock.withLock { texts.append(text) }
    }

    var messages: [[String: Any]] {
        lock.withLock { texts }.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func ofType(_ type: String) -> [[String: Any]] { messages.filter { $0["type"] as? String == type } }

    /// The messages as received.
    var received: [String] { lock.withLock { texts } }
}

/// Reads one connection's text messages; a WebSocket inbound stream can be iterated only once.
final class InboundReader {
    private var iterator: WebSocketInboundMessageStream.AsyncIterator

    init(_ inbound: WebSocketInboundStream) {
        iterator = inbound.messages(maxSize: 16 << 20).makeAsyncIterator()
    }

    /// Reads text messages into `conversation` until `stop` says so or the stream ends.
    func collect(into conversation: Conversation, until stop: ([String: Any]) -> Bool) async throws {
        while let message = try await iterator.next() {
            guard case .text(let text) = message else { continue }
            conversation.append(text)
            if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], stop(object) { return }
        }
    }
}

func frameMessage(_ bytes: [UInt8], timestamp: Double) -> String {
    #"{"type":"frame","timestamp":\#(timestamp),"data":""# + Data(bytes).base64EncodedString() + #""}"#
}

extension Dictionary where Key == String, Value == Any {
    subscript(path path: String...) -> Any? {
        var node: Any? = self
        for key in path { node = (node as? [String: Any])?[key] }
        return node
    }
}
