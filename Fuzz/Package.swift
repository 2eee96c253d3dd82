// swift-tools-version:6.0
// libFuzzer targets for the parsers of untrusted bytes (issue #30). Built apart from the product so that its
// build never needs the fuzzer runtime: scripts/fuzz.sh builds them with -sanitize=fuzzer,address and runs each.
import PackageDescription

let fuzz: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]
let targets = ["FuzzJPEG", "FuzzPNG", "FuzzMetadata", "FuzzTar", "FuzzGzip", "FuzzSafetensors", "FuzzManifest", "FuzzMultipart", "FuzzC2PA"]

let package = Package(
    name: "DiscernFuzz",
    dependencies: [.package(name: "Discern", path: "..")],
    targets: [
        .target(name: "FuzzSupport", path: "Sources/FuzzSupport"),
    ] + targets.map { name in
        .executableTarget(name: name, dependencies: [
            "FuzzSupport",
            .product(name: "DiscernEngine", package: "Discern"),
            .product(name: "DiscernServing", package: "Discern"),
        ], path: "Sources/\(name)", swiftSettings: fuzz)
    },
    swiftLanguageModes: [.v5]
)
