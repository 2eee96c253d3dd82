import Foundation
import Imaging
import Inference
import Provenance

/// Decodes uploads, reads their metadata evidence, scores them through the batcher and forms the
/// verdicts: the same steps and answer as `discern classify`.
public struct ImageJudge: Sendable {
    /// Decode, verdict and heatmap steps (the same as `discern classify`'s), built once with the options' pixel
    /// limit and C2PA trust anchors.
    public let pipeline: JudgementPipeline
    /// The loaded detector that scores the images.
    public var detector: Detector { pipeline.detector }
    /// Groups the images of concurrent requests into batches for `detector`.
    public let batcher: InferenceBatcher
    /// The limits (images and pixels per request, pixel budget, decode threads) and C2PA trust anchors used.
    public let options: ServeOptions
    /// Pixels held decoded by all requests in flight.
    public let pixels: PixelBudget
    /// Threads that decode, apart from the server's.
    public let decoders: DecodePool

    /// One upload that could not be judged.
    public struct Failure: Error, Sendable {
        /// The upload's name as passed to `judge` (a multipart file or field name, or `upload` for a raw body).
        public let name: String
        /// Why it could not be decoded (or was too large).
        public let error: ImageError
    }

    /// Creates a judge with a pixel budget of `options.pixelBudget` pixels and `options.decodeThreads` decode threads.
    /// - Parameters:
    ///   - detector: The detector that scores the images.
    ///   - batcher: The batcher that runs it.
    ///   - options: The per-request limits and C2PA trust anchors.
    public init(detector: Detector, batcher: InferenceBatcher, options: ServeOptions) {
        pipeline = JudgementPipeline(detector: detector, credentials: C2PAValidator(trustAnchors: options.c2paTrustAnchors),
                                     maxPixels: options.maxPixels)
        self.batcher = batcher
        self.options = options
        self.pixels = PixelBudget(capacity: options.pixelBudget)
        self.decoders = DecodePool(threads: options.decodeThreads)
    }

    /// Judges each `(name, bytes)`; undecodable uploads come back as failures, the rest are scored together.
    ///
    /// Before any pixel is decoded, the request's image count and header pixel total are checked against the
    /// per-request limits (`ServeError.tooManyImages` / `.tooManyPixels`) and reserved from the shared budget
    /// (`ServeError.pixelBudgetFull`); decoding runs on `decoders`.
    public func judge(_ uploads: [(name: String, data: Data)], heatmap: Bool) async throws -> [Result<Judgement, Failure>] {
        guard uploads.count <= options.maxImagesPerRequest else {
            throw ServeError.tooManyImages(count: uploads.count, limit: options.maxImagesPerRequest)
        }
        let maxPixels = options.maxPixels, pipeline = pipeline   // captured by the decode closures
        let headers = try await decoders.run {
            uploads.map { upload -> Result<Int, Failure> in
                Result {
                    let (w, h) = try ImageDecoder.dimensions(of: upload.data, path: upload.name)
                    guard w * h <= maxPixels else { throw ImageError.tooLarge(path: upload.name, width: w, height: h, limit: maxPixels) }
                    return w * h
                }.mapError(Self.failure(upload.name))
            }
        }
        let total = headers.reduce(0) { $0 + ((try? $1.get()) ?? 0) }
        guard total <= options.maxRequestPixels else { throw ServeError.tooManyPixels(count: total, limit: options.maxRequestPixels) }
        try pixels.reserve(total)
        defer { pixels.release(total) }
        let decoded = try await decoders.run {
            zip(uploads, headers).map { upload, header -> Result<JudgementPipeline.Decoded, Failure> in
                if case let .failure(f) = header { return .failure(f) }
                return Result { try pipeline.decode(upload.data, name: upload.name) }.mapError(Self.failure(upload.name))
            }
        }
        let scores = try await batcher.score(decoded.compactMap { try? $0.get().image })
        var out = pipeline.judgements(names: uploads.map(\.name), decoded: decoded, scores: scores)
        if heatmap {
            for (k, item) in decoded.enumerated() {
                guard case let .success((image, _)) = item, case var .success(judgement) = out[k] else { continue }
                let cells = pipeline.heatmapCells(image, grid: options.heatmapGrid)
                let probabilities = try await batcher.score(cells.images).map(\.probabilities)
                judgement.heatmap = pipeline.heatmapPNG(image, cells: (cells.columns, cells.rows), probabilities: probabilities,
                                                        caption: String(format: "%@  p_fake %.3f", judgement.verdict.rawValue, judgement.pFake))
                    .map { "data:image/png;base64," + $0.base64EncodedString() }
                out[k] = .success(judgement)
            }
        }
        return out
    }

    private static func failure(_ name: String) -> (Error) -> Failure {
        { error in Failure(name: name, error: error as? ImageError ?? .corrupt(path: name, reason: "\(error)")) }
    }
}
