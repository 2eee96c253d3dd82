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
