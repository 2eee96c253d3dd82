import ArgumentParser
import Data
import Foundation
import Imaging
import Models
import NN
import Training

/// `discern dataset reconstruct`: aligned fakes, real photos passed through a generator's autoencoder.
struct DatasetReconstruct: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct",
        abstract: "Make aligned fakes: real photos through a tiny autoencoder (encoder + decoder), labelled FAKE.",
        discussion: """
            Each --from image's centre crop (sides multiples of 8, at most --max-side, native pixels: never resampled) \
            goes through the taef2 tiny autoencoder (TAESD family, FLUX.2 latent space; weights converted by \
            scripts/weights/convert_taesd.sh from ../shared/weights/taesd). The output is stored as JPEG (default \
            quality 92, 4:4:4, as the wild crops) in one .tar.gz shard, members aligned/LABEL/<source name>.jpg, so a \
            reconstruction has its source's file name. The manifest beside it (--manifest, default OUT with .jsonl) \
            pairs each one with its source: "source" (the source path), "group" (the source's file name stem), \
            "split" (the source's), "crop" [x, y, w, h] and "psnr" (dB). Keep pairs in one split with \
            `discern dataset split --group-by '^([^.]+)'`. Example: discern dataset reconstruct \
            runs/wild-train-real.jsonl --out runs/aligned.tar.gz
            """)

    @OptionGroup var inputs: DataInputs
    @Option(help: "Autoencoder weights (safetensors from scripts/weights/convert_taesd.sh).")
    var autoencoder = TinyAutoencoder.defaultWeightsPath(environment: ProcessInfo.processInfo.environment)
    @Option(help: "Reconstruct images with this label.") var from = "REAL"
    @Option(help: "Label of the reconstructions.") var label = "FAKE"
    @Option(help: "Largest crop side in pixels (larger photos give their centre crop).") var maxSide = 512
    @Option(help: "JPEG quality of the output (1-100).") var quality = 92
    @Option(help: "Chroma subsampling of the output: 4:4:4 or 4:2:0.") var subsampling = "4:4:4"
    @Option(help: "At most this many images (the first ones, in input order); 0 means all.") var limit = 0
    @Option(help: "Output .tar.gz shard.") var out: String
    @Option(help: "Manifest to write (default: OUT with .jsonl instead of .tar.gz).") var manifest: String?

    func validate() throws {
        guard out.hasSuffix(".tar.gz") else { throw ValidationError("--out must end in .tar.gz") }
        guard maxSide >= 8 else { throw ValidationError("--max-side must be at least 8") }
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be in 1...100") }
        guard JPEGCodec.ChromaSubsampling(rawValue: subsampling) != nil else { throw ValidationError("--subsampling must be 4:4:4 or 4:2:0") }
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or positive") }
    }

    var manifestPath: String { manifest ?? String(out.dropLast(".tar.gz".count)) + ".jsonl" }

    func run() throws {
        let model = TinyAutoencoder()
        do { try model.load(Safetensors.read(URL(fileURLWithPath: autoencoder)).tensors) } catch {
            throw ValidationError("cannot load the autoencoder at \(autoencoder): \(error) (make it with scripts/weights/convert_taesd.sh)")
        }
        for path in [out, manifestPath] {  // fail before the work, not after it
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil,
                  FileManager.default.isWritableFile(atPath: folder.path)
            else { throw ValidationError("cannot write to \(folder.path)") }
        }
        let reconstructor = AlignedReconstructor(autoencoder: model, maxSide: maxSide)
        let chroma = JPEGCodec.ChromaSubsampling(rawValue: subsampling)!
        let source = try inputs.source()
        // A manifest may repeat an image to weight it; each source is reconstructed once.
        var sources = Set<String>()
        try source.forEach { item, _ in if item.label == from { sources.insert(item.path) } }
        var wanted = sources.count
        if limit > 0 { wanted = min(wanted, limit) }
        guard wanted > 0 else { throw ValidationError("no images labelled \(from) in the input") }

        var writer = TarWriter(), lines: [String] = [], names = Set<String>(), seen = Set<String>()
        var done = 0, skipped = 0, psnrSum = 0.0
        let progress = ProgressBar(total: wanted, label: "reconstruct")
        let shardPath = URL(fileURLWithPath: out).standardizedFileURL.path
        try source.forEach { item, bytes in
            guard item.label == from, done + skipped < wanted, seen.insert(item.path).inserted else { return }
            let result: AlignedReconstructor.Result
            do {
                let image = try ImageDecoder.decode(try bytes.get(), path: item.path)
                guard let r = reconstructor.reconstruct(image) else {
                    throw ImageError.unsupported(path: item.path, reason: "smaller than 8x8 pixels")
                }
                result = r
            } catch {
                skipped += 1
                FileHandle.standardError.write(Data("skipped \(item.path): \(error)\n".utf8))
                return
            }
            let stem = (item.fileName as NSString).deletingPathExtension
            var member = "aligned/\(label)/\(stem).jpg", k = 1
            while names.contains(member) { member = "aligned/\(label)/\(stem)-\(k).jpg"; k += 1 }
            names.insert(member)
            let jpeg = try JPEGCodec.encode(result.reconstruction, quality: quality, subsampling: chroma)
            try writer.add(name: member, data: jpeg)
            var record: [String: Any] = [
                "path": member, "shard": shardPath, "label": label, "source": item.path, "group": stem,
                "sha256": SHA256Digest.hex(jpeg), "psnr": (result.psnr * 100).rounded() / 100,
                "crop": [result.crop.x, result.crop.y, result.crop.width, result.crop.height],
            ]
            if let split = item.split { record["split"] = split }
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
            done += 1
            psnrSum += result.psnr
            progress.update(done + skipped, status: String(format: "PSNR %.1f dB", psnrSum / Double(done)))
        }
        progress.finish(done + skipped)
        guard done > 0 else { throw ValidationError("no image could be reconstructed (\(skipped) skipped)") }
        try writer.write(to: URL(fileURLWithPath: out))
        try (lines.joined(separator: "\n") + "\n").write(toFile: manifestPath, atomically: true, encoding: .utf8)
        print(String(format: "%d reconstructions (mean PSNR %.2f dB)%@ -> %@ + %@", done, psnrSum / Double(done),
                     skipped > 0 ? ", \(skipped) skipped" : "", out, manifestPath))
    }
}
