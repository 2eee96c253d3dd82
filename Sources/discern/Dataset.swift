import ArgumentParser
import Data
import Foundation

/// `discern dataset`: look at, split, subset and shard image datasets.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Inspect, split, subset and shard image datasets (folders, tar shards, JSONL manifests).",
        subcommands: [DatasetInspect.self, DatasetSplit.self, DatasetSubset.self, DatasetShard.self, DatasetEdit.self,
                       DatasetReconstruct.self])
}

/// Options shared by the dataset subcommands.
struct DataInputs: ParsableArguments {
    @Argument(help: "Folders (label = parent folder), .tar/.tar.gz shards, .jsonl manifests or image files.")
    var paths: [String]

    func source() throws -> DatasetSource {
        do { return try DatasetSource(paths: paths) } catch let e as DataError { throw ValidationError(e.description) }
    }
}

/// Writes `items` as a manifest to `out`, or JSONL to stdout when `out` is nil.
func emitManifest(_ items: [LabeledItem], to out: String?) throws {
    if let out {
        try Manifest.write(items, to: URL(fileURLWithPath: out))
        FileHandle.standardError.write(Data("wrote \(items.count) lines to \(out)\n".utf8))
    } else {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("discern-manifest-\(UUID().uuidString).jsonl")
        try Manifest.write(items, to: tmp)
        FileHandle.standardOutput.write(try Data(contentsOf: tmp))
        try? FileManager.default.removeItem(at: tmp)
    }
}

/// Items with their content hashes, read once from the source.
func itemsWithHashes(_ source: DatasetSource, label: String) throws -> [LabeledItem] {
    var items: [LabeledItem] = []
    let progress = ProgressBar(total: 0, label: label, unknownTotal: true)
    try source.forEach { item, bytes in
        guard case let .success(data) = bytes else {
            FileHandle.standardError.write(Data("skipped \(item.path): unreadable\n".utf8))
            return
        }
        var it = item
        it.sha256 = SHA256Digest.hex(data)
        items.append(it)
        if items.count % 1000 == 0 { progress.update(items.count) }
    }
    progress.finish(items.count)
    return items
}

struct DatasetInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Counts per split and label, sizes, formats, duplicates, JPEG quality per class, unreadable files.")

    @OptionGroup var inputs: DataInputs

    @Option(help: "Output format: table or json.")
    var format: BenchFormat = .table

    @Option(help: "Largest image accepted, in pixels (larger ones are counted unreadable before decoding).")
    var maxPixels: Int = 50_000_000

    @Flag(help: "Check every input against its manifest sha256; exit 1 when one differs, is missing, or has no sha256.")
    var verify = false

    func run() throws {
        let progress = ProgressBar(total: 0, label: "inspect", unknownTotal: true)
        let r = try DatasetReport.inspect(try inputs.source(), maxPixels: maxPixels) { progress.update($0) }
        progress.finish(r.total)
        defer { if verify { Self.exitIfUnverified(r) } }
        if format == .json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            print(String(decoding: try enc.encode(r), as: UTF8.self))
            return
        }
        print("images: \(r.total) (\(r.unreadable) unreadable)")
        for (split, counts) in r.splits.sorted(by: { $0.key < $1.key }) {
            print("  \(split): " + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        print("sizes: " + r.sizes.sorted { $0.value > $1.value }.prefix(5).map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("formats: " + r.formats.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("duplicates: \(r.duplicates) (within split \(r.duplicatesWithinSplit), across splits \(r.duplicatesAcrossSplits), across labels \(r.duplicatesAcrossLabels))")
        for (label, q) in r.jpegQuality.sorted(by: { $0.key < $1.key }) {
            print(String(format: "JPEG quality %@: ~%d (%.0f %% of files; %.0f %% exact libjpeg tables)", label, q.mode, q.share * 100, q.exactIJG * 100))
        }
        if !r.errors.isEmpty { print("errors: " + r.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) }
        for f in r.unreadableFiles.prefix(20) { print("  \(f)") }
        for w in r.warnings { print("warning: \(w)") }
        if r.checksumsVerified + r.checksumsUnread > 0 {
            print("checksums: \(r.checksumsVerified - r.checksumMismatches) match, \(r.checksumMismatches) differ, \(r.checksumsUnread) unread, \(r.checksumsMissing) without sha256")
            for f in r.checksumMismatchFiles.prefix(20) { print("  checksum: \(f)") }
        }
    }

    /// `--verify`: one line on stderr and exit status 1 unless every input was read and matched its sha256.
    static func exitIfUnverified(_ r: DatasetReport) {
        let bad = r.checksumMismatches + r.checksumsUnread
        if r.checksumsVerified + r.checksumsUnread == 0 || r.checksumsMissing > 0 {
            FileHandle.standardError.write(Data("verify: \(r.checksumsMissing) of \(r.total) inputs have no manifest sha256 (pass the .jsonl manifest)\n".utf8))
            Foundation.exit(1)
        }
        if bad > 0 {
            let first = r.checksumMismatchFiles.first.map { ", first \($0)" } ?? ""
            FileHandle.standardError.write(Data("verify: \(bad) of \(r.total) inputs fail their manifest sha256 (\(r.checksumMismatches) differ, \(r.checksumsUnread) unread\(first))\n".utf8))
            Foundation.exit(1)
        }
        FileHandle.standardError.write(Data("verify: all \(r.checksumsVerified) inputs match their manifest sha256\n".utf8))
    }
}

struct DatasetSplit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Seeded train/val/test split that never lets duplicates (or --group-by groups) cross splits; writes a JSONL manifest.",
        discussion: "Example: discern dataset split data/ --val 0.1 --test 0.1 --group-by '^\\d+_(\\d+)' --out split.jsonl")

    @OptionGroup var inputs: DataInputs

    @Option(help: "Share of images for validation.")
    var val: Double = 0.1

    @Option(help: "Share of images for test.")
    var test: Double = 0.1

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Regular expression; images whose file names give the same first capture group stay in one split.")
    var groupBy: String?

    @Option(help: "Manifest to write (default: standard output).")
    var out: String?

    func validate() throws {
        guard val >= 0, test >= 0, val + test < 1 else { throw ValidationError("--val and --test must be >= 0 and leave room for training") }
    }

    func run() throws {
        let items = try itemsWithHashes(try inputs.source(), label: "hash")
        do {
            let split = try Splitting.split(items, sha256: items.map { $0.sha256! }, fractions: [("train", 1 - val - test), ("val", val), ("test", test)],
                                            seed: seed, groupBy: groupBy)
            try emitManifest(split, to: out)
        } catch let e as DataError { throw ValidationError(e.description) }
    }
}

struct DatasetSubset: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subset",
        abstract: "A seeded subset with N images per class (the small / medium / full sizes: 1000, 5000, all).")

    @OptionGroup var inputs: DataInputs

    @Option(help: "Images per class, or 'all'.")
    var perClass: String

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Manifest to write (default: standard output).")
    var out: String?

    func validate() throws {
        guard perClass == "all" || (Int(perClass).map { $0 > 0 } ?? false) else { throw ValidationError("--per-class takes a positive number or 'all'") }
    }

    func run() throws {
        let items = try itemsWithHashes(try inputs.source(), label: "read")
        try emitManifest(Splitting.subset(items, perClass: Int(perClass), seed: seed), to: out)
    }
}

struct DatasetShard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shard",
        abstract: "Write images as reproducible WebDataset-style .tar.gz shards plus manifest.jsonl.")

    @OptionGroup var inputs: DataInputs

    @Option(help: "Output folder.")
    var out: String

    @Option(help: "Images per shard.")
    var perShard: Int = 10_000

    @Option(help: "Shard file name prefix.")
    var prefix: String = "shard"

    func run() throws {
        let progress = ProgressBar(total: 0, label: "shard", unknownTotal: true)
        do {
            let shards = try ShardWriter.write(try inputs.source(), to: URL(fileURLWithPath: out), prefix: prefix, perShard: perShard) {
                if $0 % 1000 == 0 { progress.update($0) }
            }
            print("wrote \(shards.count) shards and manifest.jsonl to \(out)")
        } catch let e as DataError { throw ValidationError(e.description) }
    }
}
