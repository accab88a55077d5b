// swift-tools-version: 6.1
import PackageDescription

/// OpenCV modules the shim links: only these, because linking all of OpenCV doubles start-up time.
let openCVModules = ["core", "imgproc", "imgcodecs", "dnn", "objdetect", "calib3d", "videoio"]

let package = Package(
    name: "proctor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "proctor", targets: ["ProctorCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        // Thin extern "C" wrapper over Debian's OpenCV 4.6: pixels in, numbers out.
        .target(
            name: "CProctorVision",
            cxxSettings: [.unsafeFlags(["-I/usr/include/opencv4", "-std=c++17", "-O2"])],
            linkerSettings: openCVModules.map { .linkedLibrary("opencv_\($0)") }
        ),
        // Pure Swift: sampling, behaviour, risk, decoding, message schema. No I/O.
        .target(name: "ProctorCore"),
        // Model wrappers and image operations over the C shim.
        .target(
            name: "ProctorVision",
            dependencies: [
                "CProctorVision",
                "ProctorCore",
                .product(name: "Logging", package: "swift-log"),
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
        .executableTarget(
            name: "ProctorCLI",
            dependencies: [
                "ProctorCore",
                "ProctorVision",
                "ProctorPipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ProctorCoreTests", dependencies: ["ProctorCore"]),
        .testTarget(
            name: "ProctorVisionTests",
            dependencies: ["ProctorCore", "ProctorVision", "ProctorPipeline"]
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
