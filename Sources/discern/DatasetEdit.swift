import ArgumentParser
import Data
import Foundation

/// `discern dataset edit`: an EDITED class made from real photos (for real / edited / AI detectors).
struct DatasetEdit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Make locally edited copies of real photos (blur, splice, colour, brightness) as a labelled shard.",
        discussion: """
            Each chosen photo gets one edit in a random rectangle covering 1/16 to 1/4 of it: a Gaussian blur, a region \
            pasted from another photo of the set, a per-channel colour cast, or a brightness change. Output JPEGs are \
            stored like CIFAKE's (quality 75, 4:2:0), as members edit/LABEL/<kind>-<name> of a .tar.gz shard (or in \
            OUT/LABEL/ for a folder). --log writes one JSON line per image: its member name, edit kind, rectangle (in the 32x32 photo) and \
            strength ("change": the mean absolute change of the rectangle's samples in 0-255 levels, before JPEG). \
            --min-change redraws a weaker edit (same kind, new rectangle and strength, up to \(EditedSetMaker.attempts) \
            tries, keeping the strongest). Example: discern dataset edit ../shared/data/cifake/train.tar.gz --count 20000 \
            --seed 1 --out edited-train.tar.gz --log edited-train.jsonl
            """)

    @OptionGroup var inputs: DataInputs
    @Option(help: "Edit photos with this label.") var from = "REAL"
    @Option(help: "Number of edited images (at most one per photo).") var count: Int
    @Option(help: "Edits to draw from: \(ImageEdit.allCases.map(\.rawValue).joined(separator: ",")).")
    var kinds = ImageEdit.allCases.map(\.rawValue).joined(separator: ",")
    @Option(help: "Label of the output images.") var label = "EDITED"
    @Option(help: "Least mean absolute change (0-255 levels) an edit must make in its rectangle; 0 keeps every edit as drawn.")
    var minChange = 0.0
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Output .tar.gz shard or folder.") var out: String
    @Option(help: "Also write each image's edit (kind, rectangle, change) to this JSONL file.") var log: String?

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
        guard minChange >= 0 && minChange <= 255 else { throw ValidationError("--min-change must be in 0...255") }
        for k in kinds.split(separator: ",") where ImageEdit(rawValue: String(k)) == nil {
            throw ValidationError("unknown edit '\(k)' (known: \(ImageEdit.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
    }

    func run() throws {
        if let log {  // fail before the work, not after it
            let folder = URL(fileURLWithPath: log).deletingLastPathComponent()
            guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil,
                  FileManager.default.createFile(atPath: log, contents: nil)
            else { throw ValidationError("cannot write the edit log at \(log)") }
        }
        let dataset = try DecodedDataset.load(try inputs.source(), size: EditedSetMaker.editSize)
        guard let c = dataset.classes.index(of: from) else {
            throw ValidationError("no images labelled \(from) (labels: \(dataset.classes.names.joined(separator: ", ")))")
        }
        let photos = dataset.labels.indices.filter { dataset.labels[$0] == c }.map { (dataset.items[$0].path, dataset.image($0)) }
        guard photos.count >= 2 else { throw ValidationError("need at least two \(from) images, found \(photos.count)") }
        let edited = try EditedSetMaker.make(photos.map { (name: $0.0, image: $0.1) }, count: min(count, photos.count), seed: seed,
                                             kinds: kinds.split(separator: ",").compactMap { ImageEdit(rawValue: String($0)) },
                                             minChange: minChange)
        try ShardWriter.writeLabelled(edited.map { (name: $0.name, data: $0.jpeg) }, label: label, group: "edit", to: out)
        if let log {
            let lines = try edited.map { e in
                try EditRecord(name: e.name, edit: e.edit.rawValue, x: e.region.x, y: e.region.y, width: e.region.width, height: e.region.height,
                               imageWidth: dataset.size, imageHeight: dataset.size, change: (e.change * 1000).rounded() / 1000).line()
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        }
        let tally = Dictionary(grouping: edited, by: \.edit).map { "\($0.key.rawValue) \($0.value.count)" }.sorted()
        let weak = minChange > 0 ? edited.filter { $0.change < minChange }.count : 0
        print("\(edited.count) edited images (\(tally.joined(separator: ", ")))"
              + (weak > 0 ? ", \(weak) still below --min-change after \(EditedSetMaker.attempts) tries" : "") + " -> \(out)")
    }
}
