import ArgumentParser
import Foundation
import Training
import Yams

/// Reads a training configuration from YAML (`.yaml`, `.yml`) or JSON.
enum ConfigFile {
    static func load(_ path: String) throws -> TrainConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(path): cannot read configuration file") }
        do {
            if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                return try YAMLDecoder().decode(TrainConfig.self, from: String(decoding: data, as: UTF8.self))
            }
            return try JSONDecoder().decode(TrainConfig.self, from: data)
        } catch {
            throw ValidationError("\(path): not a valid training configuration (\(error))")
        }
    }
}
