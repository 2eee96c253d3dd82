import Data
import Foundation
import Imaging
import Plots
import Provenance
import Tensor

/// The one path from image bytes to an answer: decode and read the metadata evidence, score the readable images in
/// one batch, form each verdict, and draw a heatmap when asked. `discern classify` runs it as it is
/// (`judge(_:heatmapGrid:)`); `discern serve` runs the same steps with its own scheduling in between (decoding on
/// its decode pool under a pixel budget, scoring through the micro-batcher), so both give the same answer.
public struct JudgementPipeline: Sendable {
    /// The detector that scores and judges.
    public let detector: Detector
    /// Verifies Content Credentials (C2PA) against these trust anchors.
    public let credentials: C2PAValidator
    /// Largest image decoded, in pixels (`ImageError.tooLarge` beyond).
    public let maxPixels: Int

    /// A pipeline over `detector`, verifying C2PA with `credentials`, refusing images above `maxPixels` pixels.
    public init(detector: Detector, credentials: C2PAValidator, maxPixels: Int) {
        self.detector = detector
        self.credentials = credentials
        self.maxPixels = maxPixels
    }

    /// One input decoded: its pixels (RGB, EXIF orientation applied) and its metadata evidence.
    public typealias Decoded = (image: RGBImage, evidence: [Evidence])

    /// Decodes `data` and reads its metadata evidence (camera EXIF, generator parameters, C2PA); `name` is used in
    /// errors and in the judgement.
    public func decode(_ data: Data, name: String) throws -> Decoded {
        try Detector.read(data, path: name, maxPixels: maxPixels, credentials: credentials)
    }

    /// The judgement of each decoded input, in order, given `scores` of the successfully decoded ones (in the same
    /// order, as `Detector.scores` returns them); failures pass through.
    public func judgements<Failure: Error>(names: [String], decoded: [Result<Decoded, Failure>], scores: [Detector.Score]) -> [Result<Judgement, Failure>] {
        var next = scores.makeIterator()
        return zip(names, decoded).map { name, item in
            item.map { image, evidence in
                let score = next.next()!
                return detector.judgement(path: name, image: image, evidence: evidence, probabilities: score.probabilities, distance: score.distance)
            }
        }
    }

    /// The tiles (or, for a patch model, the patches) a heatmap of `image` shows, to be scored by the caller.
    public func heatmapCells(_ image: RGBImage, grid: Int) -> (columns: Int, rows: Int, images: [RGBImage]) {
        detector.heatmapCells(image, grid: grid)
    }

    /// The heatmap PNG of `image` from its cells' class probabilities (see `heatmapCells`): each cell tinted by its
    /// p_fake (1 - p_real for a model with more classes) with `caption` below; nil if drawing fails.
    public func heatmapPNG(_ image: RGBImage, cells: (columns: Int, rows: Int), probabilities: [[Double]], caption: String) -> Data? {
        try? Heatmap.png(image, grid: cells.columns, rows: cells.rows, values: probabilities.map(detector.pFake(probabilities:)), caption: caption)
    }

    /// The caption `classify` writes under a heatmap: verdict, score and where the image came from.
    public func heatmapCaption(_ judgement: Judgement, path: String) -> String {
        String(format: "%@  %@ %.3f  %@", judgement.verdict.rawValue, detector.isBinary ? "p_fake" : "1-p_real", judgement.pFake, path)
    }

    /// The whole pipeline, synchronously: decodes the inputs in parallel, scores the readable ones in one batch, and
    /// judges each. With `heatmapGrid`, each judgement also comes with its heatmap PNG (the cells scored in a second
    /// batch). Inputs that could not be read fail alone.
    public func judge(_ inputs: [(name: String, data: Result<Data, Error>)], heatmapGrid: Int? = nil)
        -> [Result<(judgement: Judgement, heatmap: Data?), Error>] {
        let decoded = Parallel.map(inputs.count) { i in inputs[i].data.flatMap { data in Result { try decode(data, name: inputs[i].name) } } }
        let scores = detector.scores(decoded.compactMap { try? $0.get().image })
        let judged = judgements(names: inputs.map(\.name), decoded: decoded, scores: scores)
        return zip(judged, decoded).map { judgement, item in
            judgement.map { j in
                guard let heatmapGrid, case let .success((image, _)) = item else { return (j, nil) }
                let cells = heatmapCells(image, grid: heatmapGrid)
                return (j, heatmapPNG(image, cells: (cells.columns, cells.rows), probabilities: detector.probabilities(cells.images),
                                      caption: heatmapCaption(j, path: j.path)))
            }
        }
    }
}

/// A command-line input that does not exist.
public struct MissingInput: Error, CustomStringConvertible {
    /// The path as given.
    public let path: String
    /// "`path`: no such file or folder".
    public var description: String { "\(path): no such file or folder" }
}

extension JudgementPipeline {
    /// What `judge(paths:...)` counted: verdicts given, inputs that could not be judged, and the file names of those
    /// in formats Discern does not decode.
    public struct Tally {
        /// Images judged, by verdict.
        public var verdicts: [Verdict: Int] = [:]
        /// Inputs that failed: missing paths, unreadable or undecodable files, a shard that broke off.
        public var failed = 0
        /// Last path components of the inputs refused as unsupported formats (GIF, WebP, ...).
        public var unsupported: [String] = []
        /// Inputs read so far, judged or not (for progress).
        public var done = 0
    }

    /// Judges every input of `paths` in order: `-` is `standardInput()`'s bytes; files, folders (searched
    /// recursively) and tar shards are read in chunks of at most `chunk.count` items, `chunk.pixels` header pixels
    /// and `chunk.bytes` file bytes, so memory stays bounded. Each result (or failure: a missing path, an unreadable
    /// file, a shard that broke off) goes to `report` as soon as its chunk is judged; `progress` gets the running
    /// tally after each chunk. One bad input never stops the others.
    /// - Throws: only when `paths` cannot be listed at all (`DatasetSource`'s error); nothing was judged then.
    /// - Returns: the counts behind a summary line.
    public func judge(paths: [String], standardInput: () -> Data, heatmapGrid: Int?, chunk: (count: Int, pixels: Int, bytes: Int),
                      report: (Result<(judgement: Judgement, heatmap: Data?), Error>) -> Void,
                      progress: (Tally) -> Void = { _ in }) throws -> Tally {
        var tally = Tally()
        func record(_ result: Result<(judgement: Judgement, heatmap: Data?), Error>) {
            switch result {
            case let .failure(error):
                tally.failed += 1
                if case let .unsupported(path, _) = error as? ImageError { tally.unsupported.append((path as NSString).lastPathComponent) }
            case let .success(judged):
                tally.verdicts[judged.judgement.verdict, default: 0] += 1
            }
            report(result)
        }
        func process(_ items: [(name: String, data: Result<Data, Error>)]) {
            for result in judge(items, heatmapGrid: heatmapGrid) { record(result) }
            tally.done += items.count
            progress(tally)
        }
        // A missing path is an unreadable input (named), not a reason to stop: the rest are still judged.
        let files = paths.filter { path in
            guard path != "-" else { return false }
            if FileManager.default.fileExists(atPath: path) { return true }
            record(.failure(MissingInput(path: path)))
            return false
        }
        if paths.contains("-") { process([(name: "-", data: Result { standardInput() })]) }
        guard !files.isEmpty else { return tally }
        let source = try DatasetSource(paths: files)
        do {
            try source.forEachChunk(of: chunk.count, pixels: chunk.pixels, bytes: chunk.bytes) { items in
                process(items.map { (name: $0.0.path, data: $0.1) })
            }
        } catch {
            record(.failure(error))
        }
        return tally
    }
}
