import ArgumentParser
import Data
import Foundation
import Imaging
import Tensor

/// `discern bench data`: decoding (and augmenting) a dataset, img/s.
struct BenchData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Decode every image of a dataset (streamed from its shards) and augment it, img/s.",
        discussion: "Peer: scripts/bench/pillow_decode.py on the same files in the same session.")

    @Option(help: "Dataset (folder, shards or manifest).")
    var data: String = "../shared/data/cifake/train.tar.gz"

    @Option(help: "Augmentation applied to every image after decoding.")
    var augment: String = "hflip,crop:4,jpeg:30-95,blur:0.3-1.5,resize:0.5-1"

    @Option(help: "Output format: table or json.")
    var format: BenchFormat = .table

    func run() throws {
        let source = try DatasetSource(paths: [data])
        let aug = try Augmentation(augment)
        let t0 = Date()
        let ds = try DecodedDataset.load(source, size: 32)
        let decodeSeconds = Date().timeIntervalSince(t0)
        // Augment every image once, threaded like the loader would over a whole epoch.
        let t1 = Date()
        let workers = Parallel.threadCount
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for i in stride(from: w, to: ds.count, by: workers) {
                var rng = SplitMix64(seed: UInt64(i))
                _ = aug.apply(ds.image(i), using: &rng)
            }
        }
        let augmentSeconds = Date().timeIntervalSince(t1)
        let result: [String: Any] = [
            "images": ds.count, "failures": ds.failures.count, "threads": workers, "augment": augment,
            "decode_img_s": Double(ds.count) / decodeSeconds,
            "augment_img_s": Double(ds.count) / augmentSeconds,
            "decode_and_augment_img_s": Double(ds.count) / (decodeSeconds + augmentSeconds),
        ]
        if format == .json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(String(format: "%d images (%d failed), %d threads: decode %.0f img/s, augment [%@] %.0f img/s, both %.0f img/s",
                         ds.count, ds.failures.count, workers, result["decode_img_s"] as! Double, augment,
                         result["augment_img_s"] as! Double, result["decode_and_augment_img_s"] as! Double))
        }
    }
}
