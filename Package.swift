// swift-tools-version:6.0
// Discern: tells real photographs from AI-generated images, on its own CPU engine.
// Layering (one-way): Tensor -> NN -> Models; Imaging -> Data; Imaging -> Provenance (C2PA); Inference on top of them
// (Study on Inference and GRDB; Serving on Inference and Study); ClassifierMetrics on nothing (swift-metrics owns the name Metrics), Reports on it + Plots; Evaluation and Training on top; the CLI last.
// Linux only (Debian's system libraries through the C targets below, glibc's malloc tuning): no `platforms`.
// Every target declares each module it imports. Dependencies are pinned exactly, so two clones build the same
// versions although Package.resolved is not committed.
import PackageDescription

// Release builds are checked (-O, the SwiftPM default): bounds checks and preconditions stay on in the code that
// parses untrusted bytes. Kernels that need it skip checks locally through unsafe buffer pointers.
let optimize: [SwiftSetting] = [.unsafeFlags(["-wmo"], .when(configuration: .release))]

let package = Package(
    name: "Discern",
    products: [
        .executable(name: "discern", targets: ["discern"]),
        .library(name: "DiscernEngine", targets: ["Tensor", "NN", "Models", "Imaging", "Data", "Plots", "Provenance", "Inference", "ClassifierMetrics", "Reports",
                                                  "Evaluation", "Training", "Export", "Study"]),
        .library(name: "DiscernServing", targets: ["Serving"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "5.0.1"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", exact: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", exact: "1.7.4"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(name: "CLinear", path: "Sources/CLinear", providers: [.apt(["liblinear-dev"])]),
        .target(name: "Tensor", dependencies: ["COpenBLAS", "CDNNL", "CMalloc"], swiftSettings: optimize),
        .target(name: "NN", dependencies: ["Tensor"], swiftSettings: optimize),
        .target(name: "Models", dependencies: ["Tensor", "NN"], swiftSettings: optimize),
        .target(name: "Imaging", dependencies: ["CTurboJPEG", "CPNG", "CZlib"], swiftSettings: optimize),
        .target(name: "Data", dependencies: ["Imaging", "Tensor", "CZlib", "CCrypto"], swiftSettings: optimize),
        .target(name: "Plots", dependencies: ["CCairo", "Imaging"], swiftSettings: optimize),
        // Content Credentials (C2PA): manifest reading and verification, on swift-crypto and swift-certificates.
        .target(name: "Provenance", dependencies: ["Imaging", .product(name: "Crypto", package: "swift-crypto"),
                                                   .product(name: "_CryptoExtras", package: "swift-crypto"),
                                                   .product(name: "X509", package: "swift-certificates"),
                                                   .product(name: "SwiftASN1", package: "swift-asn1")], swiftSettings: optimize),
        // Model inference: checkpoint loading, the detector's decode -> score -> verdict -> heatmap pipeline, patch plans.
        .target(name: "Inference", dependencies: ["Tensor", "NN", "Models", "Imaging", "Data", "Plots", "Provenance", "ClassifierMetrics"], swiftSettings: optimize),
        // Classification metrics, curves and calibration on plain arrays (no model, no images).
        .target(name: "ClassifierMetrics", swiftSettings: optimize),
        // The evaluation report: figures and a self-contained report.html.
        .target(name: "Reports", dependencies: ["Imaging", "Data", "Plots", "ClassifierMetrics"], swiftSettings: optimize),
        // Evaluation of checkpoints on labelled data (ModelEvaluation: metrics, UNSURE figures, ensembles, robustness sweeps),
        // perturbations, feature extraction, Fréchet distance.
        .target(name: "Evaluation", dependencies: ["Tensor", "NN", "Models", "Imaging", "Data", "Inference", "ClassifierMetrics"], swiftSettings: optimize),
        .target(name: "Training", dependencies: ["Tensor", "NN", "Models", "Imaging", "Data", "Inference", "ClassifierMetrics", "Plots", "CLinear",
                                                 .product(name: "SwiftProtobuf", package: "swift-protobuf")], swiftSettings: optimize),
        .target(name: "Export", dependencies: ["Tensor", "NN", "Models", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                exclude: ["Proto"], swiftSettings: optimize),
        // The human baseline study ("Real or AI?"): an SQLite database through GRDB, participants, figures and the report.
        .target(name: "Study", dependencies: ["Tensor", "Imaging", "Data", "Plots", "Reports", "Inference", .product(name: "GRDB", package: "GRDB.swift")],
                swiftSettings: optimize),
        .target(name: "Serving", dependencies: ["Inference", "Imaging", "Provenance", "CMalloc", "Study",
                                                .product(name: "Hummingbird", package: "hummingbird"),
                                                .product(name: "HummingbirdCore", package: "hummingbird"),
                                                .product(name: "Logging", package: "swift-log"),
                                                .product(name: "NIOCore", package: "swift-nio"),
                                                .product(name: "NIOHTTP1", package: "swift-nio"),
                                                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                                                .product(name: "HTTPTypes", package: "swift-http-types"),
                                                .product(name: "Prometheus", package: "swift-prometheus")],
                resources: [.copy("Resources/index.html"), .copy("Resources/openapi.yaml"), .copy("Resources/study.html")], swiftSettings: optimize),
        .executableTarget(
            name: "discern",
            dependencies: ["Tensor", "NN", "Models", "Imaging", "Data", "Plots", "Provenance", "Inference", "ClassifierMetrics", "Reports", "Evaluation",
                           "Training", "Export", "Serving", "Study",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Yams", package: "Yams")],
            resources: [.copy("Resources/default-detector.safetensors"), .copy("Resources/default-detector-small.safetensors")],
            swiftSettings: optimize),
        .target(name: "TestSupport", dependencies: ["Tensor"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
        .testTarget(name: "NNTests", dependencies: ["Tensor", "NN", "TestSupport"]),
        .testTarget(name: "ModelsTests", dependencies: ["Tensor", "NN", "Models", "Data", "TestSupport"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "CZlib", "TestSupport"]),
        .testTarget(name: "PlotsTests", dependencies: ["Imaging", "Plots"]),
        .testTarget(name: "DataTests", dependencies: ["Tensor", "Imaging", "Data", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["discern", "NN", "Models", "Data", "Provenance", "Inference", "TestSupport"]),
        .testTarget(name: "ProvenanceTests", dependencies: ["Provenance", "Imaging", "TestSupport"]),
        .testTarget(name: "InferenceTests", dependencies: ["Tensor", "NN", "Models", "Imaging", "Data", "Inference", "TestSupport"]),
        .testTarget(name: "ClassifierMetricsTests", dependencies: ["Tensor", "ClassifierMetrics", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Imaging", "Data", "ClassifierMetrics", "Reports", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Tensor", "NN", "Data", "Models", "Inference", "Evaluation", "TestSupport"]),
        .testTarget(name: "ServingTests", dependencies: ["NN", "Imaging", "Data", "Provenance", "Inference", "Serving", "Study", "TestSupport",
                                                       .product(name: "Yams", package: "Yams"),
                                                       .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                                                       .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                       .product(name: "HTTPTypes", package: "swift-http-types")]),
        .testTarget(name: "ExportTests", dependencies: ["Tensor", "NN", "Models", "Export", "TestSupport",
                                                      .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .testTarget(name: "StudyTests", dependencies: ["Tensor", "Imaging", "Data", "Inference", "Study", "TestSupport",
                                                     .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TrainingTests", dependencies: ["Tensor", "NN", "Models", "Imaging", "Data", "Training", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
