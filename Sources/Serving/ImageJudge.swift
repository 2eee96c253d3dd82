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
                return .success((try ImageDecoder.decode(upload.data, path: upload.name, maxPixels: options.maxPixels), MetadataEvidence.read(upload.data)))
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
                let p = scores[next]
                next += 1
                let (verdict, reason) = detector.verdict(pFake: p, evidence: evidence)
                let map = heatmap ? try await heatmapDataURL(image, verdict: verdict, p: p) : nil
                out.append(.success(Judgement(path: upload.name, verdict: verdict, pFake: p, reason: reason, evidence: evidence,
                                              width: image.width, height: image.height, heatmap: map)))
            }
        }
        return out
    }

    /// The per-tile p_fake overlay as a `data:image/png;base64,` URL.
    private func heatmapDataURL(_ image: RGBImage, verdict: Verdict, p: Double) async throws -> String? {
        let grid = options.heatmapGrid
        let values = try await batcher.score(detector.tiles(image, grid: grid))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("discern-heatmap-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        guard (try? Heatmap.render(image, grid: grid, values: values, caption: String(format: "%@  p_fake %.3f", verdict.rawValue, p), to: url)) != nil,
              let png = try? Data(contentsOf: url) else { return nil }
        return "data:image/png;base64," + png.base64EncodedString()
    }
}
