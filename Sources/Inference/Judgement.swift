import Foundation
import Imaging

/// The answer for one image, as `discern classify --format json` prints it and `discern serve` returns it.
public struct Judgement: Encodable, Sendable {
    /// The input's name (file path, `shard:member`, or an uploaded part's file name).
    public let path: String
    /// REAL, FAKE, UNSURE (or a class name of a model with more classes).
    public let verdict: Verdict
    /// Calibrated probability that the pixels are AI-generated (REAL/FAKE model), or that they are not an untouched
    /// real photo, 1 - p_REAL (a model with more classes; not in its JSON, which has `probabilities` instead).
    public let pFake: Double
    /// Every class's calibrated probability, for a model with more than two classes (nil for REAL/FAKE).
    public let probabilities: [String: Double]?
    /// What decided the verdict (`pixels`, `metadata: <source>`, ...).
    public let reason: String
    /// Everything read beside the pixels: metadata, Content Credentials, router and patch notes.
    public let evidence: [Evidence]
    /// The decoded image's width and height in pixels (after EXIF orientation).
    public let width: Int
    /// See `width`.
    public let height: Int
    /// Heatmap: a file path (classify --heatmap) or a `data:image/png;base64,...` URL (serve ?heatmap=1).
    public var heatmap: String?

    /// A judgement; `probabilities` only for a model with more than two classes.
    public init(path: String, verdict: Verdict, pFake: Double, reason: String, evidence: [Evidence], width: Int, height: Int,
                heatmap: String? = nil, probabilities: [String: Double]? = nil) {
        self.probabilities = probabilities
        self.path = path
        self.verdict = verdict
        self.pFake = pFake
        self.reason = reason
        self.evidence = evidence
        self.width = width
        self.height = height
        self.heatmap = heatmap
    }

    enum CodingKeys: String, CodingKey { case path, verdict, pFake = "p_fake", reason, evidence, width, height, heatmap, probabilities }

    /// REAL/FAKE: `p_fake`. More classes: `probabilities` (class name -> p) and no `p_fake`, whose meaning there
    /// (1 - p_REAL) would clash with the FAKE class's own probability.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(verdict, forKey: .verdict)
        if let probabilities { try c.encode(probabilities, forKey: .probabilities) } else { try c.encode(pFake, forKey: .pFake) }
        try c.encode(reason, forKey: .reason)
        try c.encode(evidence, forKey: .evidence)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encodeIfPresent(heatmap, forKey: .heatmap)
    }

    /// The JSON form both classify and serve print: sorted keys, slashes unescaped (paths and data URLs stay readable).
    public static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
