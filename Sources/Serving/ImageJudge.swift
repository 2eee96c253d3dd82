import Evaluation
import Foundation
import Imaging
import Provenance
import Plots

/// Decodes uploads, reads their metadata evidence, scores them through the batcher and forms the
/// verdicts: the same steps and answer as `discern classify`.
public struct ImageJudge: Sendable {
    public let detector: Detector
    public let batcher: InferenceBatcher
    public let options: ServeOptions
    /// Pixels held decoded by all requests in flight.
    public let pixels: PixelBudget
    /// Threads that decode, apart from the server's.
    public let decoders: DecodePool

    /// One upload that could not be judged.
    public struct Failure: Error, Sendable {
        public let name: String
        public let error: ImageError
    }

    public init(detector: Detector, batcher: InferenceBatcher, options: ServeOptions) {
        self.detector = detector
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
        let maxPixels = options.maxPixels
        let credentials = C2PAValidator(trustAnchors: options.c2paTrustAnchors)
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
            zip(uploads, headers).map { upload, header -> Result<(RGBImage, [Evidence]), Failure> in
                if case let .failure(f) = header { return .failure(f) }
                return Result { try Detector.read(upload.data, path: upload.name, maxPixels: maxPixels, credentials: credentials) }
                    .mapError(Self.failure(upload.name))
            }
        }
        let images = decoded.compactMap { try? $0.get().0 }
        let scores = try await batcher.score(images)
        var next = 0
        var out: [Result<Judgement, Failure>] = []
        for (upload, item) in zip(uploads, decoded) {
            switch item {
            case let .failure(f): out.append(.failure(f))
            case let .success((image, evidence)):
                var judgement = detector.judgement(path: upload.name, image: image, evidence: evidence,
                                                   probabilities: scores[next].probabilities, distance: scores[next].distance)
                next += 1
                if heatmap { judgement.heatmap = try await heatmapDataURL(image, verdict: judgement.verdict, p: judgement.pFake) }
                out.append(.success(judgement))
            }
        }
        return out
    }

    private static func failure(_ name: String) -> (Error) -> Failure {
        { error in Failure(name: name, error: error as? ImageError ?? .corrupt(path: name, reason: "\(error)")) }
    }

    /// The per-tile p_fake overlay as a `data:image/png;base64,` URL.
    private func heatmapDataURL(_ image: RGBImage, verdict: Verdict, p: Double) async throws -> String? {
        let cells = detector.heatmapCells(image, grid: options.heatmapGrid)
        let values = try await batcher.score(cells.images).map { detector.pFake(probabilities: $0.probabilities) }
        guard let png = try? Heatmap.png(image, grid: cells.columns, rows: cells.rows, values: values,
                                         caption: String(format: "%@  p_fake %.3f", verdict.rawValue, p)) else { return nil }
        return "data:image/png;base64," + png.base64EncodedString()
    }
}
