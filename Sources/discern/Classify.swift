import ArgumentParser
import Data
import Foundation
import Imaging
import Inference
import Provenance
import Tensor

/// `discern classify`: judges images with the shipped default detector (or --model).
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Judge images: REAL, FAKE or UNSURE, with p_fake and metadata evidence (or any class of a 3-class model).",
        discussion: """
            PATHs are image files, folders (searched recursively), .tar/.tar.gz shards, or - for one image on standard input.
            Exit status: 0 all classified, 1 some inputs unreadable (each named on stderr), 2 usage error.
            How the verdict is made: the whole image is resized to the model input and scored (p_fake); metadata that only \
            generators write (Stable Diffusion parameters, ComfyUI workflows, IPTC trainedAlgorithmicMedia) makes it FAKE; \
            camera EXIF never makes an image REAL but turns a pixel FAKE into UNSURE; Content Credentials (C2PA) are read \
            and verified: an authentic manifest's claim of AI origin (digitalSourceType trainedAlgorithmicMedia, in the \
            asset's manifest or an ingredient's) makes it FAKE with the reason "content credentials"; the evidence names \
            the signer and what was checked (signature, certificate chain and dates, trust list, asset hash); a broken \
            manifest is reported as broken and never counts. `discern credentials FILE` prints a manifest in full. \
            See MODEL_CARD.md for what the default model knows.
            A --model with more classes (real / edited / AI, real / SD / GAN; one must be REAL) names the likeliest class \
            and prints every class's probability instead of p_fake (p_<class> columns in the table and CSV, \
            "probabilities" in JSON); its --heatmap tiles show 1 - p_real.
            """)

    @Argument(help: "Images, folders, tar shards, or - for standard input.")
    var paths: [String]

    @Option(help: "Checkpoint to use instead of the shipped default detector.")
    var model: String?

    @Option(help: "Output format: table, json (one object per line) or csv.")
    var format: OutputFormat = .table

    @Option(help: "Write a per-tile p_fake overlay PNG for each image into this folder.")
    var heatmap: String?

    @Option(help: "Tiles per side for --heatmap.")
    var grid: Int = 4

    @Option(help: "Largest image accepted, in pixels.")
    var maxPixels: Int = 50_000_000

    @OptionGroup var trust: C2PATrustOptions

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    /// Most header pixels decoded together (about 100 MB of RGB), and most file bytes read ahead per chunk.
    static let chunkPixels = 32_000_000, chunkBytes = 64 << 20

    func validate() throws {
        guard grid >= 1 && grid <= 16 else { throw ValidationError("--grid must be 1...16") }
        if let model, !FileManager.default.fileExists(atPath: model) { throw ValidationError("\(model): no such checkpoint") }
    }

    func run() throws {
        let detector: Detector
        do { detector = try Detector(LoadedModel(try model.map(URL.init(fileURLWithPath:)) ?? DefaultModel.url())) } catch let e as ValidationError { throw e } catch {
            throw ValidationError("\(error)")
        }
        if let heatmap { try FileManager.default.createDirectory(atPath: heatmap, withIntermediateDirectories: true) }
        let pipeline = JudgementPipeline(detector: detector, credentials: C2PAValidator(trustAnchors: try trust.anchors()), maxPixels: maxPixels)
        let printer = ResultPrinter(format: format, classes: detector.isBinary ? nil : detector.classes)
        printer.header()
        let hasFiles = paths.contains { $0 != "-" && FileManager.default.fileExists(atPath: $0) }
        let progress = hasFiles ? ProgressBar(total: 0, label: "classify", unknownTotal: true) : nil
        let tally: JudgementPipeline.Tally
        do {
            // Bounded by pixels and bytes as well as by count: 16 PNGs of 7000x7000 px would hold 2.4 GB decoded at once.
            tally = try pipeline.judge(paths: paths, standardInput: { FileHandle.standardInput.readDataToEndOfFile() },
                                       heatmapGrid: heatmap == nil ? nil : grid, chunk: (512, Self.chunkPixels, Self.chunkBytes),
                                       report: { result in
                                           switch result.map(written) {
                                           case let .failure(error): FileHandle.standardError.write(Data("discern: \(error)\n".utf8))
                                           case let .success(judgement): printer.row(judgement)
                                           }
                                       }, progress: { progress?.update($0.done) })
        } catch {
            FileHandle.standardError.write(Data("discern: \(error)\n".utf8))
            throw ExitCode(1)
        }
        progress?.finish(tally.done)
        let (counts, failed, unsupported) = (tally.verdicts, tally.failed, tally.unsupported)
        let shown = [Verdict.fake, .real] + detector.classes.filter { $0 != "REAL" && $0 != "FAKE" }.map(Verdict.init(rawValue:)) + [.unsure]
        let summary = "\(counts.values.reduce(0, +)) classified: " + shown.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
            + "; \(failed) unreadable"
            + (unsupported.isEmpty ? "" : " (\(unsupported.count) in unsupported formats: \(unsupported.prefix(5).joined(separator: ", "))\(unsupported.count > 5 ? ", ..." : ""))")
        if format == .table { print(summary) } else { FileHandle.standardError.write(Data((summary + "\n").utf8)) }
        if failed > 0 { throw ExitCode(1) }
    }

    /// The judgement, with its heatmap PNG (when drawn) written into the --heatmap folder and named in it.
    private func written(_ judged: (judgement: Judgement, heatmap: Data?)) -> ClassifyResult {
        var judgement = judged.judgement
        if let heatmap, let png = judged.heatmap {
            let name = ((judgement.path as NSString).lastPathComponent as NSString).deletingPathExtension
            // A short digest of the full path keeps names unique (same file name in two folders) and stable.
            let url = URL(fileURLWithPath: heatmap).appendingPathComponent("\(name)-\(SHA256Digest.hex(Data(judgement.path.utf8)).prefix(8)).heatmap.png")
            if (try? png.write(to: url)) != nil { judgement.heatmap = url.path }
        }
        return judgement
    }
}

/// One line of classify output.
typealias ClassifyResult = Judgement

/// Prints results as an aligned table (coloured on a terminal), JSON lines or CSV.
final class ResultPrinter {
    let format: Classify.OutputFormat
    /// A model's classes when it has more than two: their probabilities are printed too.
    let classes: [String]?
    private let colour = isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    private let encoder = Judgement.jsonEncoder()

    /// The probability columns: p_fake for a REAL/FAKE model, else one per class in the model's order.
    private var columns: [String] { classes ?? ["FAKE"] }
    /// The verdict column: UNSURE and every class name fit.
    private let verdictWidth: Int

    init(format: Classify.OutputFormat, classes: [String]? = nil) {
        self.format = format
        self.classes = classes
        verdictWidth = max(7, (classes ?? []).map(\.count).max() ?? 0)
    }

    /// `s` padded to the table column of probability `name` (its header "P_<name>" and a 0.0000 fit).
    private func cell(_ s: String, _ name: String) -> String {
        s.padding(toLength: max(6, name.count + 2), withPad: " ", startingAt: 0) + "  "
    }

    func header() {
        switch format {
        case .csv: print((["path", "verdict"] + columns.map { "p_\($0.lowercased())" } + ["reason", "evidence"]).joined(separator: ","))
        case .table: print("VERDICT".padding(toLength: verdictWidth, withPad: " ", startingAt: 0) + "  " + columns.map { cell("P_\($0)", $0) }.joined()
                           + "PATH  [EVIDENCE]  (WHY, unless the pixels alone decided)")
        case .json: break
        }
    }

    /// Each column's probability of `r`, formatted with `format`.
    private func probabilityCells(_ r: ClassifyResult, _ format: String) -> [String] {
        guard let classes else { return [String(format: format, r.pFake)] }
        return classes.map { String(format: format, r.probabilities?[$0] ?? .nan) }
    }

    func row(_ r: ClassifyResult) {
        let evidence = r.evidence.filter { $0.indicates != .info }.map { "\($0.source)=\($0.value.prefix(60))" }
        switch format {
        case .json:
            print(String(decoding: (try? encoder.encode(r)) ?? Data(), as: UTF8.self))
        case .csv:
            func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            print(([q(r.path), r.verdict.rawValue] + probabilityCells(r, "%.6f")
                   + [q(r.reason), q(evidence.joined(separator: "; "))]).joined(separator: ","))
        case .table:
            let v = r.verdict.rawValue.padding(toLength: verdictWidth, withPad: " ", startingAt: 0)
            let code = r.verdict == .fake ? "31" : (r.verdict == .real ? "32" : "33")
            let shown = colour ? "\u{1B}[\(code)m\(v)\u{1B}[0m" : v
            let cells = zip(probabilityCells(r, "%.4f"), columns).map(cell)
            print("\(shown)  " + cells.joined() + r.path + (evidence.isEmpty ? "" : "  [" + evidence.joined(separator: "; ") + "]")
                  + (r.reason == Detector.pixelsReason ? "" : "  (\(r.reason))"))
        }
    }
}
