import ArgumentParser

/// The `discern` command: tells real photographs from AI-generated images.
@main
struct Discern: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discern",
        abstract: "Tell real photographs from AI-generated images, on a fast CPU engine.",
        version: "0.1.0",
        subcommands: [Demo.self, Train.self, Evaluate.self, DatasetCommand.self, Bench.self])
}
