// swift-tools-version: 6.1
import PackageDescription

/// OpenCV modules the shim links: only these, because linking all of OpenCV doubles start-up time.
/// Not imgcodecs and videoio: with their dependencies (GDAL, GStreamer, FFmpeg's 130 libraries) they
/// cost 47 MB of an idle server's 180 MB. Images are decoded with TurboJPEG, libpng and libwebp;
/// video with FFmpeg, loaded with dlopen on the first video (Sources/CProctorVision/VideoReader.cpp).
let openCVModules = ["core", "imgproc", "dnn", "objdetect", "calib3d"]
let codecLibraries = ["turbojpeg", "png16", "webp"]

let package = Package(
    name: "proctor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "proctor", targets: ["ProctorCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // Thin extern "C" wrapper over Debian's OpenCV 4.6: pixels in, numbers out.
        .target(
            name: "CProctorVision",
            cxxSettings: [.unsafeFlags(["-I/usr/include/opencv4", "-std=c++17", "-O2"])],
            linkerSettings: openCVModules.map { .linkedLibrary("opencv_\($0)") } + codecLibraries.map { .linkedLibrary($0) } + [.linkedLibrary("dl")]
        ),
        // Pure Swift: sampling, behaviour, risk, decoding, message schema. No I/O.
        .target(name: "ProctorCore"),
        // AWS Signature Version 4, pure (strings and bytes in, signatures out): the one signer the
        // S3 blob store and `proctor storage check` use, small enough to test against AWS's examples.
        .target(
            name: "ProctorSigV4",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // Model wrappers and image operations over the C shim.
        .target(
            name: "ProctorVision",
            dependencies: [
                "CProctorVision",
                "ProctorCore",
            ]
        ),
        // The per-session DetectionPipeline and the bounded CV worker pool.
        .target(
            name: "ProctorPipeline",
            dependencies: [
                "ProctorCore",
                "ProctorVision",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The store protocols and records every backend implements; no database code.
        .target(
            name: "ProctorStore",
            dependencies: [
                "ProctorCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The embedded backend: SQLite through GRDB, in WAL mode.
        .target(
            name: "ProctorStoreSQLite",
            dependencies: [
                "ProctorCore",
                "ProctorStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The same store protocols on PostgreSQL, for deployments with several servers and workers.
        .target(
            name: "ProctorStorePostgres",
            dependencies: [
                "ProctorCore",
                "ProctorStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Recorded sessions: blob store, chunk processor, merger, finalizer and the worker loop.
        .target(
            name: "ProctorRecording",
            dependencies: [
                "ProctorCore",
                "ProctorVision",
                "ProctorPipeline",
                "ProctorStore",
                "ProctorSigV4",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // Store request, byte and error counters by operation.
                .product(name: "Metrics", package: "swift-metrics"),
                // ByteBuffer and the blocking-I/O thread pool for blob reads.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // The S3 blob store's HTTP client.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // What `serve`, `worker` and `admin` share without the HTTP server: retention purge and
        // erasure, account administration and password hashing, the long-running services.
        .target(
            name: "ProctorOperations",
            dependencies: [
                "ProctorCore",
                "ProctorStore",
                "ProctorRecording",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The HTTP and WebSocket server: live analysis, REST API, metrics.
        .target(
            name: "ProctorServer",
            dependencies: [
                "ProctorCore",
                "ProctorVision",
                "ProctorPipeline",
                "ProctorStore",
                "ProctorRecording",
                "ProctorOperations",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Web")]
        ),
        .executableTarget(
            name: "ProctorCLI",
            dependencies: [
                "ProctorCore",
                "ProctorVision",
                "ProctorPipeline",
                "ProctorStore",
                "ProctorStoreSQLite",
                "ProctorStorePostgres",
                "ProctorServer",
                "ProctorRecording",
                "ProctorOperations",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ProctorCoreTests", dependencies: ["ProctorCore"]),
        // SigV4 against AWS's worked examples.
        .testTarget(name: "ProctorSigV4Tests", dependencies: ["ProctorSigV4"]),
        .testTarget(
            name: "ProctorVisionTests",
            dependencies: ["ProctorCore", "ProctorVision", "ProctorPipeline"]
        ),
        // Every store test runs on SQLite, and on PostgreSQL too when PROCTOR_TEST_DATABASE_URL is set.
        .testTarget(
            name: "ProctorStoreTests",
            dependencies: [
                "ProctorCore",
                "ProctorStore",
                "ProctorStoreSQLite",
                "ProctorStorePostgres",
                // For the test databases: CREATE and DROP DATABASE on a plain connection.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // For reading SQLite's schema and building a database at an old schema version.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The blob store contract, on FileBlobStore and, when PROCTOR_TEST_S3_ENDPOINT is set, on S3BlobStore.
        .testTarget(
            name: "ProctorBlobStoreTests",
            dependencies: [
                "ProctorCore",
                "ProctorRecording",
                "ProctorSigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ProctorServerTests",
            dependencies: [
                "ProctorCore",
                "ProctorPipeline",
                "ProctorStore",
                "ProctorStoreSQLite",
                "ProctorStorePostgres",
                "ProctorServer",
                "ProctorRecording",
                "ProctorOperations",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                // To follow a presigned video URL to the S3 test server.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
