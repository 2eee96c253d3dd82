import ArgumentParser
import Foundation

/// The `discern` command: tells real photographs from AI-generated images.
@main
struct Discern: AsyncParsableCommand {
    /// Line-buffered standard output, so results interleave correctly with progress on stderr in logs.
    static func main() async {
        setvbuf(stdout, nil, _IOLBF, 0)
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand { try await command.run() } else { try command.run() }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "discern",
        abstract: "Tell real photographs from AI-generated images, on a fast CPU engine.",
        version: "0.1.0",
        subcommands: [Classify.self, Demo.self, Train.self, Evaluate.self, Calibrate.self, ExportCommand.self, Serve.self, DatasetCommand.self, Bench.self])
}
