import Evaluation
import Foundation
import Imaging
import Plots

/// Decodes uploads, reads their metadata evidence, scores them through the batcher and forms the
/// verdicts: the same steps and answer as `discern classify`.
public struct ImageJudge: Sendable {
    public let detector: Detector
    public let batcher: InferenceBatcher
    public let options: ServeOptions

    /// One upload that could not be judged.
    public struct Failure: Error, Sendable {
        public let name: String
        public let error: ImageError
    }

    public init(detector: Detector, batcher: InferenceBatcher, options: ServeOptions) {
        self.detector = detector
        self.batcher = batcher
        self.options = options
    }

    /// Judges each `(name, bytes)`; undecodable uploads come back as failures, the rest are scored together.
    public func judge(_ uploads: [(name: String, data: Data)], heatmap: Bool) async throws -> [Result<Judgement, Failure>] {
        let decoded = uploads.map { upload -> Result<(RGBImage, [Evidence]), Failure> in
            do {
                return .success(try Detector.read(upload.data, path: upload.name, maxPixels: options.maxPixels))
            } catch let e as ImageError {
                return .failure(Failure(name: upload.name, error: e))
            } catch {
                return .failure(Failure(name: upload.name, error: .corrupt(path: upload.name, reason: "\(error)")))
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
                var judgement = detector.judgement(path: upload.name, image: image, evidence: evidence, pFake: scores[next])
                next += 1
                if heatmap { judgement.heatmap = try await heatmapDataURL(image, verdict: judgement.verdict, p: judgement.pFake) }
                out.append(.success(judgement))
            }
        }
        return out
    }

    /// The per-tile p_fake overlay as a `data:image/png;base64,` URL.
    private func heatmapDataURL(_ image: RGBImage, verdict: Verdict, p: Double) async throws -> String? {
        let grid = options.heatmapGrid
        let values = try await batcher.score(detector.tiles(image, grid: grid))
        guard let png = try? Heatmap.png(image, grid: grid, values: values, caption: String(format: "%@  p_fake %.3f", verdict.rawValue, p)) else { return nil }
        return "data:image/png;base64," + png.base64EncodedString()
    }
}
