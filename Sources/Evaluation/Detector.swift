import Data
import Foundation
import Imaging
import NN
import Tensor

/// The verdict for one image: REAL, FAKE or UNSURE, or another class of a model with more than two (EDITED, GAN).
public struct Verdict: RawRepresentable, Codable, Hashable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let real = Verdict(rawValue: "REAL"), fake = Verdict(rawValue: "FAKE"), unsure = Verdict(rawValue: "UNSURE")
}

/// A trained detector ready to judge images of any size, with its calibration.
///
/// Binary models (classes exactly `[REAL, FAKE]`) give `p_fake`. A model with more than two classes (REAL/FAKE/EDITED,
/// REAL/FAKE/GAN: one class must be REAL, names unique) gives every class's probability; its `p_fake` is 1 - p_REAL, the probability that the image is not
/// an untouched real photo, and its pixel verdict is the likeliest class, as `discern evaluate` counts it.
///
/// How an image is judged: the whole image is resized to the model's input (area filter when
/// shrinking, which is how CIFAR's 32x32 photos were made; bilinear when enlarging) and scored once,
/// giving `p_fake`. `UNSURE` is reported when `p_fake` falls inside the unsure band. Metadata that
/// only generators write (SD `parameters`, ComfyUI workflows, IPTC trainedAlgorithmicMedia, generator
/// Software tags) makes the verdict FAKE whatever the pixels say. Camera metadata (EXIF Make/Model, XMP
/// digitalCapture) never makes an image REAL, since it is easy to copy, but it turns a pixel FAKE into
/// UNSURE: the pixel model knows only 32x32 CIFAR photos and calls most full-size camera photos FAKE.
/// C2PA presence is reported only (it is not verified here).
///
/// Immutable after `init`; `pFake` and `tileMap` run the model and must not be called from two
/// threads at once (`discern serve` funnels them through one inference thread).
public final class Detector: @unchecked Sendable {
    public let loaded: LoadedModel
    /// Temperature applied to the logit (1 = uncalibrated).
    public let temperature: Double
    /// p_fake strictly between these bounds is UNSURE (REAL/FAKE models; `discern calibrate` sets it).
    public let unsureBand: ClosedRange<Double>

    /// The model's classes, in its output order.
    public let classes: [String]
    /// Where REAL is in `classes`.
    public let realIndex: Int
    /// True for a REAL/FAKE model.
    public var isBinary: Bool { classes == ["REAL", "FAKE"] }

    public init(_ loaded: LoadedModel) throws {
        classes = loaded.classes.names
        guard classes == ["REAL", "FAKE"] || (classes.count > 2 && Set(classes).count == classes.count),
              let real = classes.firstIndex(of: "REAL") else { throw DetectorError.unsupportedClasses(classes) }
        realIndex = real
        self.loaded = loaded
        temperature = loaded.temperature
        let band = (loaded.metadata["unsure_band"] ?? "").split(separator: ",").compactMap { Double($0) }
        unsureBand = band.count == 2 && band[0] <= band[1] ? band[0]...band[1] : 0.5...0.5
    }

    /// The model-sized view of `image`.
    public func prepare(_ image: RGBImage) -> RGBImage {
        let s = loaded.inputSize
        if image.width == s && image.height == s { return image }
        return image.resized(width: s, height: s, filter: image.width >= s && image.height >= s ? .area : .bilinear)
    }

    /// Calibrated class probabilities for each image, in `classes` order (batched inference).
    public func probabilities(_ images: [RGBImage]) -> [[Double]] {
        guard !images.isEmpty else { return [] }
        let s = loaded.inputSize, n = s * s * 3
        var out: [[Double]] = []
        for start in stride(from: 0, to: images.count, by: 256) {
            let chunk = images[start..<min(images.count, start + 256)]
            let x = Tensor(zeros: [chunk.count, s, s, 3])
            for (j, img) in chunk.enumerated() { prepare(img).writeFloats(into: x.pointer + j * n) }
            let logits = GradMode.withoutGrad { loaded.model(x) }
            out += Predictor.probabilities(logits: logits, temperature: temperature)
        }
        return out
    }

    /// p_fake for each image (batched inference): see `pFake(probabilities:)`.
    public func pFake(_ images: [RGBImage]) -> [Double] {
        probabilities(images).map(pFake(probabilities:))
    }

    /// p_FAKE of a REAL/FAKE model; 1 - p_REAL of a model with more classes.
    public func pFake(probabilities p: [Double]) -> Double {
        isBinary ? p[1] : 1 - p[realIndex]
    }

    /// p_fake per tile of a `grid` x `grid` partition of the image (row-major), each tile resized to the input size.
    public func tileMap(_ image: RGBImage, grid: Int) -> [Double] {
        pFake(tiles(image, grid: grid))
    }

    /// The `grid` x `grid` tiles of `image`, row-major (what `tileMap` scores).
    public func tiles(_ image: RGBImage, grid: Int) -> [RGBImage] {
        (0..<(grid * grid)).map { t -> RGBImage in
            let (r, c) = (t / grid, t % grid)
            let x0 = c * image.width / grid, x1 = (c + 1) * image.width / grid
            let y0 = r * image.height / grid, y1 = (r + 1) * image.height / grid
            return image.cropped(x: x0, y: y0, width: max(1, x1 - x0), height: max(1, y1 - y0))
        }
    }

    /// Decodes one input and reads its metadata evidence: all that judging needs besides the score.
    /// Throws `ImageError` (named after `path`) for empty, corrupt, unsupported or oversized images.
    public static func read(_ data: Data, path: String, maxPixels: Int) throws -> (image: RGBImage, evidence: [Evidence]) {
        (try ImageDecoder.decode(data, path: path, maxPixels: maxPixels), MetadataEvidence.read(data))
    }

    /// The answer for one image scored by a REAL/FAKE model (the heatmap, if any, is attached by the caller).
    public func judgement(path: String, image: RGBImage, evidence: [Evidence], pFake: Double) -> Judgement {
        let (verdict, reason) = verdict(pFake: pFake, evidence: evidence)
        return Judgement(path: path, verdict: verdict, pFake: pFake, reason: reason, evidence: evidence, width: image.width, height: image.height)
    }

    /// The answer for one image from its class probabilities (any model); a model with more than two classes adds
    /// them to the answer.
    public func judgement(path: String, image: RGBImage, evidence: [Evidence], probabilities p: [Double]) -> Judgement {
        if isBinary { return judgement(path: path, image: image, evidence: evidence, pFake: p[1]) }
        let (verdict, reason) = Self.verdict(probabilities: p, classes: classes, evidence: evidence)
        return Judgement(path: path, verdict: verdict, pFake: pFake(probabilities: p), reason: reason, evidence: evidence,
                         width: image.width, height: image.height, probabilities: Dictionary(uniqueKeysWithValues: zip(classes, p)))
    }

    /// The verdict of a model with more than two classes: generator metadata makes it FAKE; otherwise the likeliest
    /// class, except that camera metadata turns a pixel verdict other than REAL into UNSURE (as for REAL/FAKE models).
    public static func verdict(probabilities p: [Double], classes: [String], evidence: [Evidence]) -> (Verdict, reason: String) {
        weigh(pixels: Verdict(rawValue: classes[p.indices.max { p[$0] < p[$1] } ?? 0]), evidence: evidence)
    }

    /// The `reason` of a verdict that the pixel score alone decided.
    public static let pixelsReason = "pixels"

    /// Combines the pixel score and metadata evidence (see the type's documentation).
    public func verdict(pFake: Double, evidence: [Evidence]) -> (Verdict, reason: String) {
        let inBand = unsureBand.lowerBound < unsureBand.upperBound && pFake > unsureBand.lowerBound && pFake < unsureBand.upperBound
        return Self.weigh(pixels: inBand ? .unsure : pFake >= 0.5 ? .fake : .real, evidence: evidence)
    }

    /// The pixel verdict `pixels` weighed against metadata, for every model: generator metadata makes it FAKE; camera
    /// metadata turns any pixel verdict but REAL into UNSURE.
    private static func weigh(pixels: Verdict, evidence: [Evidence]) -> (Verdict, reason: String) {
        if let e = evidence.first(where: { $0.indicates == .aiGenerated }) {
            return (.fake, "metadata: \(e.source)")
        }
        if pixels == .unsure { return (.unsure, "pixels: p_fake inside the unsure band") }
        if pixels != .real, let camera = evidence.first(where: { $0.indicates == .camera }) {
            // Camera metadata is easy to copy, so it never makes an image REAL; but a camera file that the
            // CIFAKE-trained pixels call FAKE (or EDITED, GAN) is far outside what they were trained on (MODEL_CARD.md).
            return (.unsure, "pixels say \(pixels.rawValue), metadata says camera (\(camera.source))")
        }
        return (pixels, pixelsReason)
    }
}

/// Why a detector could not be built.
public enum DetectorError: Error, CustomStringConvertible {
    case unsupportedClasses([String])
    public var description: String {
        switch self {
        case let .unsupportedClasses(classes):
            return "a detector needs a REAL/FAKE model, or one with more classes, unique, one of them REAL; this one has classes \(classes.joined(separator: ", "))"
        }
    }
}
