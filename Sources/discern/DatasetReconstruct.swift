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
        let shard = AlignedShard(from: from, label: label, quality: quality, subsampling: JPEGCodec.ChromaSubsampling(rawValue: subsampling)!,
                                 limit: limit)
        let source = try inputs.source()
        var bar: ProgressBar?
        let summary: AlignedShard.Summary
        do {
            summary = try shard.write(source: source, reconstructor: reconstructor, out: out, manifest: manifestPath, skipped: { path, error in
                FileHandle.standardError.write(Data("skipped \(path): \(error)\n".utf8))
            }, progress: { tried, total, psnr in
                if bar == nil { bar = ProgressBar(total: total, label: "reconstruct") }
                bar?.update(tried, status: String(format: "PSNR %.1f dB", psnr))
            })
        } catch let error as AlignedShardError { throw ValidationError(error.description) }
        bar?.finish(summary.written + summary.skipped)
        print(String(format: "%d reconstructions (mean PSNR %.2f dB)%@ -> %@ + %@", summary.written, summary.meanPSNR,
                     summary.skipped > 0 ? ", \(summary.skipped) skipped" : "", out, manifestPath))
    }
}
