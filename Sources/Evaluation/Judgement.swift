import Foundation
import Imaging

/// The answer for one image, as `discern classify --format json` prints it and `discern serve` returns it.
public struct Judgement: Encodable, Sendable {
    /// The input's name (file path, `shard:member`, or an uploaded part's file name).
    public let path: String
    public let verdict: Verdict
    /// Calibrated probability that the pixels are AI-generated.
    public let pFake: Double
    /// What decided the verdict (`pixels`, `metadata: <source>`, ...).
    public let reason: String
    public let evidence: [Evidence]
    public let width: Int
    public let height: Int
    /// Heatmap: a file path (classify --heatmap) or a `data:image/png;base64,...` URL (serve ?heatmap=1).
    public var heatmap: String?

    public init(path: String, verdict: Verdict, pFake: Double, reason: String, evidence: [Evidence], width: Int, height: Int, heatmap: String? = nil) {
        self.path = path
        self.verdict = verdict
        self.pFake = pFake
        self.reason = reason
        self.evidence = evidence
        self.width = width
        self.height = height
        self.heatmap = heatmap
    }

    enum CodingKeys: String, CodingKey { case path, verdict, pFake = "p_fake", reason, evidence, width, height, heatmap }

    /// The JSON form both classify and serve print: sorted keys, slashes unescaped (paths and data URLs stay readable).
    public static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
