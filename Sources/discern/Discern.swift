import ArgumentParser
import Foundation
import Tensor

/// The `discern` command: tells real photographs from AI-generated images.
@main
struct Discern: AsyncParsableCommand {
    /// Line-buffered standard output, so results interleave correctly with progress on stderr in logs.
    static func main() async {
        // OpenBLAS falls back to SSE3 kernels on CPUs it does not know; restart once with the right ones.
        BLASCore.reexecIfMisdetected()
        setvbuf(stdout, nil, _IOLBF, 0)
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand { try await command.run() } else { try command.run() }
        } catch {
            // Usage errors exit 2, as the issue tracker's contract and most Unix tools have it
            // (ArgumentParser's own default is 64, EX_USAGE).
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "discern",
        abstract: "Tell real photographs from AI-generated images, on a fast CPU engine.",
        version: "0.1.0",
        subcommands: [Classify.self, Demo.self, Train.self, Evaluate.self, Calibrate.self, Soup.self, Features.self, SVMCommand.self, GANCommand.self, Distance.self, ExportCommand.self, Serve.self, DatasetCommand.self, Route.self, FamiliarityCommand.self, Credentials.self, StudyCommand.self, Bench.self])
}
