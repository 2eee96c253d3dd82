// swift-tools-version:6.0
// Discern: tells real photographs from AI-generated images, on its own CPU engine.
// Layering (one-way): Tensor -> NN -> Models; Imaging -> Data; the `discern` CLI on top.
import PackageDescription

// Release builds are checked (-O, the SwiftPM default): bounds checks and preconditions stay on in the code that
// parses untrusted bytes. Kernels that need it skip checks locally through unsafe buffer pointers.
let optimize: [SwiftSetting] = [.unsafeFlags(["-wmo"], .when(configuration: .release))]

let package = Package(
    name: "Discern",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "discern", targets: ["discern"]),
        .library(name: "DiscernEngine", targets: ["Tensor", "NN", "Models", "Imaging", "Data", "Evaluation", "Training", "Export"]),
        .library(name: "DiscernServing", targets: ["Serving"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(name: "CLinear", path: "Sources/CLinear", providers: [.apt(["liblinear-dev"])]),
        .target(name: "Tensor", dependencies: ["COpenBLAS", "CMalloc"], swiftSettings: optimize),
        .target(name: "NN", dependencies: ["Tensor"], swiftSettings: optimize),
        .target(name: "Models", dependencies: ["NN"], swiftSettings: optimize),
        .target(name: "Imaging", dependencies: ["CTurboJPEG", "CPNG", "CZlib"], swiftSettings: optimize),
        .target(name: "Data", dependencies: ["Imaging", "Tensor", "CZlib", "CCrypto"], swiftSettings: optimize),
        .target(name: "Plots", dependencies: ["CCairo", "Imaging"], swiftSettings: optimize),
        .target(name: "Evaluation", dependencies: ["Models", "Data", "Plots"], swiftSettings: optimize),
        .target(name: "Training", dependencies: ["Models", "Data", "Evaluation", "Plots", "CLinear",
                                                 .product(name: "SwiftProtobuf", package: "swift-protobuf")], swiftSettings: optimize),
        .target(name: "Export", dependencies: ["NN", "Models", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                exclude: ["Proto"], swiftSettings: optimize),
        .target(name: "Serving", dependencies: ["Evaluation", "Imaging", "Plots", "CMalloc",
                                                .product(name: "Hummingbird", package: "hummingbird"),
                                                .product(name: "HummingbirdCore", package: "hummingbird"),
                                                .product(name: "Logging", package: "swift-log"),
                                                .product(name: "NIOCore", package: "swift-nio"),
                                                .product(name: "NIOHTTP1", package: "swift-nio"),
                                                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                                                .product(name: "HTTPTypes", package: "swift-http-types"),
                                                .product(name: "Prometheus", package: "swift-prometheus"),
                                                .product(name: "Yams", package: "Yams")],
                resources: [.copy("Resources/index.html"), .copy("Resources/openapi.yaml")], swiftSettings: optimize),
        .executableTarget(
            name: "discern",
            dependencies: ["Models", "Data", "Evaluation", "Training", "Export", "Serving", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Yams", package: "Yams")],
            resources: [.copy("Resources/default-detector.safetensors"), .copy("Resources/default-detector-small.safetensors")],
            swiftSettings: optimize),
        .target(name: "TestSupport", dependencies: ["Tensor"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "TestSupport"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Data", "TestSupport"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "CZlib", "TestSupport"]),
        .testTarget(name: "DataTests", dependencies: ["Data", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["discern", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Models", "NN", "TestSupport"]),
        .testTarget(name: "ServingTests", dependencies: ["Serving", "Evaluation", "TestSupport", .product(name: "Logging", package: "swift-log"),
                                                       .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                       .product(name: "HTTPTypes", package: "swift-http-types")]),
        .testTarget(name: "ExportTests", dependencies: ["Export", "Models", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Models", "NN", "Imaging", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
