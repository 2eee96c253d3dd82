import ArgumentParser
import Foundation

/// The detector shipped inside the package (`Resources/default-detector.safetensors`); the
/// `DISCERN_MODEL` environment variable points elsewhere.
enum DefaultModel {
    static func url() throws -> URL {
        if let env = ProcessInfo.processInfo.environment["DISCERN_MODEL"], !env.isEmpty { return URL(fileURLWithPath: env) }
        if let url = Bundle.module.url(forResource: "default-detector", withExtension: "safetensors") { return url }
        throw ValidationError("the default detector is missing from this build; pass --model CHECKPOINT")
    }
}
