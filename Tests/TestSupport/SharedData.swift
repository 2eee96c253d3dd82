import Foundation
import XCTest

/// `../shared/data/<relative>` beside the repository (as CI lays it out). Fails the test, rather than
/// skipping silently, when the shared data is missing.
public func sharedDataURL(_ relative: String, file: StaticString = #filePath, line: UInt = #line) -> URL {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url = repo.deletingLastPathComponent().appendingPathComponent("shared/data/\(relative)")
    if !FileManager.default.fileExists(atPath: url.path) {
        XCTFail("shared data missing at \(url.path): clone the repository beside shared/", file: file, line: line)
    }
    return url
}

/// `<relative>` inside this repository (e.g. `Sources/discern/Resources/default-detector.safetensors`).
public func repositoryURL(_ relative: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(relative)
}
