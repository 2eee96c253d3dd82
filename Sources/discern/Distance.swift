import ArgumentParser
import Evaluation
import Foundation

/// `discern distance`: Fréchet distance and an Inception-style score between two image sets.
struct Distance: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fréchet distance between two image sets, and an Inception-style score of each, in EfficientNet-Lite ImageNet space.",
        discussion: """
            The features are EfficientNet-Lite0's pooled 1280-d ImageNet features at --input-size, so the distance is \
            reported as FD-effnet-lite0-imagenet-pool1280@SIZE, not FID (which means Inception-v3 features; the two are \
            not comparable). The score is exp(E KL(p(y|x) || p(y))) over EfficientNet-Lite0's 1000 ImageNet classes \
            (IS-effnet-lite0). --model effnet-lite1 or effnet-lite2 uses that network instead, and names it. Labels in the \
            inputs are ignored.
            Example: discern distance --a ../shared/data/cifake/test.tar.gz --b runs/gan-samples.tar.gz
            """)

    @Option(parsing: .upToNextOption, help: "First image set: folders, shards or manifests.") var a: [String]
    @Option(parsing: .upToNextOption, help: "Second image set.") var b: [String]
    @Option(help: "Side length the images are resized to.") var inputSize = 64
    @Option(help: "Use at most this many images of each set (seeded choice; 0 = all).") var limit = 10_000
    @OptionGroup var network: PretrainedNetworkOptions
    @Option(help: "table or json.") var format = "table"

    func validate() throws {
        guard ["table", "json"].contains(format) else { throw ValidationError("--format must be table or json") }
        guard (16...512).contains(inputSize), limit >= 0 else { throw ValidationError("--input-size must be in 16...512 and --limit >= 0") }
    }

    func run() throws {
        let extractor = try network.extractor(inputSize: inputSize)
        var bars: [String: ProgressBar] = [:]
        let result: ImageSetComparison
        do {
            result = try ImageSetComparison.compare(a, b, extractor: extractor, limit: limit, failure: { path, error in
                FileHandle.standardError.write(Data("discern: \(path): \(error)\n".utf8))
            }, progress: { set, done, total in
                if bars[set] == nil { bars[set] = ProgressBar(total: total, label: "features \(set)") }
                bars[set]?.update(done)
            })
        } catch let error as ImageSetComparison.TooFewImages { throw ValidationError(error.description) }
        if format == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(String(format: "%@ between a (%d images) and b (%d images): %.3f", result.metric, result.countA, result.countB, result.fd))
            print(String(format: "%@: a %.3f, b %.3f", result.scoreName, result.scoreA, result.scoreB))
        }
    }
}
