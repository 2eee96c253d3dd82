import Data
import Foundation
import Imaging
import Models
import NN
import Provenance
import Tensor

/// The verdict for one image: REAL, FAKE or UNSURE, or another class of a model with more than two (EDITED, GAN).
public struct Verdict: RawRepresentable, Codable, Hashable, Sendable {
    /// The verdict as printed: `REAL`, `FAKE`, `UNSURE` or a class name.
    public let rawValue: String
    /// A verdict named `rawValue` (a class name or `UNSURE`).
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The three verdicts of a REAL/FAKE model.
    public static let real = Verdict(rawValue: "REAL"), fake = Verdict(rawValue: "FAKE"), unsure = Verdict(rawValue: "UNSURE")
}

/// A trained detector ready to judge images of any size, with its calibration.
///
/// Binary models (classes exactly `[REAL, FAKE]`) give `p_fake`. A model with more than two classes (REAL/FAKE/EDITED,
/// REAL/FAKE/GAN: one class must be REAL, names unique) gives every class's probability; its `p_fake` is 1 - p_REAL, the probability that the image is not
/// an untouched real photo, and its pixel verdict is the likeliest class, as `discern evaluate` counts it.
///
/// How an image is judged: a whole-image model (the CIFAKE ones) sees the whole image resized to its input (area
/// filter when shrinking, which is how CIFAR's 32x32 photos were made; bilinear when enlarging), scored once. A patch
/// model (`input_mode: patches`, trained with `native_size`) sees native-resolution patches of its input side, placed
/// by `PatchPlan` (a covering grid, at most 64 patches, shrunk only past a 40 MP budget), whose scores
/// `PatchAggregation` combines (mean logit by default); what it had to shrink or resize is added to the evidence.
/// Either gives `p_fake`. `UNSURE` is reported when `p_fake` falls inside the unsure band, and by a patch model for
/// an image whose shorter side is under one patch (it had to be enlarged: no native traces left to read), and by a patch
/// model with a `Familiarity` measure for an image far from all its training images (screenshots, drawings, icons:
/// the pixel score means little there; the evidence gives the distance). Metadata that
/// only generators write (SD `parameters`, ComfyUI workflows, IPTC trainedAlgorithmicMedia, generator
/// Software tags) makes the verdict FAKE whatever the pixels say. Camera metadata (EXIF Make/Model, XMP
/// digitalCapture) never makes an image REAL, since it is easy to copy, but it turns a pixel FAKE into
/// UNSURE: the pixel models err most on real photos from cameras they have not seen (MODEL_CARD.md).
/// Content Credentials (C2PA) are read and verified (`ContentCredentials`): an authentic manifest's claim of AI origin
/// makes the verdict FAKE with the reason "content credentials"; a broken manifest is reported and never counts.
///
/// A checkpoint may route small images to a second one (a size router, MODEL_CARD.md): metadata `small_input_model`
/// names a checkpoint in the same folder and `small_input_max_side` the longest side (pixels) sent to it. Every method
/// below then answers for an image as the detector its size picks (`route`); the evidence says which one scored it.
///
/// Immutable after `init`; `pFake` and `probabilities` run the model and must not be called from two
/// threads at once (`discern serve` funnels them through one inference thread).
public final class Detector: @unchecked Sendable {
    /// The checkpoint this detector runs (network, classes, metadata).
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

    /// How the model reads an image: the whole image resized to its input (`whole`, the CIFAKE models), or
    /// native-resolution patches (`patches`, checkpoint metadata `input_mode: patches`; see `PatchPlan`).
    public enum InputMode: String, Sendable { case whole, patches }
    /// How this detector's model reads an image (`InputMode`).
    public let inputMode: InputMode
    /// How patch scores become one answer (metadata `patch_aggregation`, default mean-logit, or the `aggregation`
    /// given to `init`).
    public let aggregation: PatchAggregation
    /// Most patches scored per image.
    public let maxPatches: Int
    /// Pixels above which an image is shrunk before patching.
    public let pixelBudget: Int
    /// The router's second detector and the longest side (pixels) it takes, when the checkpoint names one.
    public let smallInputs: (detector: Detector, maxSide: Int)?
    /// How far an image is from the training images, when the checkpoint stores a measure (`discern familiarity`;
    /// patch models with an EfficientNet-Lite network only).
    public let familiarity: Familiarity?

    /// One image's score: calibrated class probabilities and, from a detector with a `familiarity` measure, the
    /// image's distance to the training images.
    public struct Score: Sendable {
        /// Calibrated probabilities in `classes` order (sum 1).
        public let probabilities: [Double]
        /// Cosine distance to the `k`-th nearest training image (0...2), or nil without a familiarity measure.
        public let distance: Double?
        /// A score from calibrated probabilities and an optional familiarity distance.
        public init(probabilities: [Double], distance: Double? = nil) {
            self.probabilities = probabilities
            self.distance = distance
        }
    }

    /// A detector for `loaded`; the patch settings matter for patch models only.
    /// `routeSmallInputs: false` ignores a router's second checkpoint (the routed-to detector itself is built so).
    public init(_ loaded: LoadedModel, aggregation: PatchAggregation? = nil, maxPatches: Int = PatchPlan.defaultMaxPatches,
                pixelBudget: Int = PatchPlan.defaultPixelBudget, routeSmallInputs: Bool = true) throws {
        classes = loaded.classes.names
        guard classes == ["REAL", "FAKE"] || (classes.count > 2 && Set(classes).count == classes.count),
              let real = classes.firstIndex(of: "REAL") else { throw DetectorError.unsupportedClasses(classes) }
        realIndex = real
        self.loaded = loaded
        temperature = loaded.temperature
        unsureBand = loaded.metadata.unsureBand ?? 0.5...0.5
        inputMode = InputMode(rawValue: loaded.metadata.inputMode ?? "") ?? .whole
        self.aggregation = aggregation ?? PatchAggregation(loaded.metadata.patchAggregation ?? "") ?? .meanLogit
        self.maxPatches = maxPatches
        self.pixelBudget = pixelBudget
        familiarity = Self.hasImageFeatures(inputMode, loaded) ? Familiarity(tensors: loaded.detectorTensors, metadata: loaded.metadata) : nil
        if routeSmallInputs, let name = loaded.metadata.smallInputModel {
            guard let side = loaded.metadata.smallInputMaxSide, side >= 1, !name.contains("/") else {
                throw DetectorError.badRouter(loaded.url.path, "small_input_model needs a file name in the same folder and small_input_max_side >= 1")
            }
            let small = try Detector(LoadedModel(loaded.url.deletingLastPathComponent().appendingPathComponent(name)),
                                     aggregation: aggregation, maxPatches: maxPatches, pixelBudget: pixelBudget, routeSmallInputs: false)
            guard small.classes == classes else {
                throw DetectorError.badRouter(loaded.url.path, "\(name) has classes \(small.classes), this checkpoint \(classes)")
            }
            smallInputs = (small, side)
        } else {
            smallInputs = nil
        }
    }

    /// The detector that judges a `width` x `height` image: the router's small-input detector when the longer side is
    /// at most its `maxSide`, else this one.
    public func route(width: Int, height: Int) -> Detector {
        if let smallInputs, max(width, height) <= smallInputs.maxSide { return smallInputs.detector }
        return self
    }

    /// `body` (a per-image computation such as probabilities) through `route`: each detector gets its images in one
    /// call, and the results come back in input order.
    private func routed<T>(_ images: [RGBImage], _ body: (Detector, [RGBImage]) -> [T]) -> [T] {
        guard let small = smallInputs?.detector else { return body(self, images) }
        let toSmall = images.indices.filter { route(width: images[$0].width, height: images[$0].height) === small }
        guard !toSmall.isEmpty else { return body(self, images) }
        let smallSet = Set(toSmall)
        let toLarge = images.indices.filter { !smallSet.contains($0) }
        var out = [T?](repeating: nil, count: images.count)
        for (i, v) in zip(toSmall, body(small, toSmall.map { images[$0] })) { out[i] = v }
        for (i, v) in zip(toLarge, body(self, toLarge.map { images[$0] })) { out[i] = v }
        return out.map { $0! }
    }

    /// Where the model looks in an image of `width` x `height` (patch models only).
    public func plan(width: Int, height: Int) -> PatchPlan {
        PatchPlan(width: width, height: height, side: loaded.inputSize, maxPatches: maxPatches, pixelBudget: pixelBudget)
    }

    /// The patches `plan` names, each `inputSize` x `inputSize`, row-major.
    public func patches(_ image: RGBImage, plan: PatchPlan) -> [RGBImage] {
        let s = plan.side
        let source = plan.downscale == 1 ? image
            : image.resized(width: max(1, image.width / plan.downscale), height: max(1, image.height / plan.downscale), filter: .area)
        if plan.resized {
            let side = min(source.width, source.height), o = plan.origins[0]
            return [source.cropped(x: o.x, y: o.y, width: side, height: side).resized(width: s, height: s, filter: side > s ? .area : .bilinear)]
        }
        return plan.origins.map { source.cropped(x: $0.x, y: $0.y, width: s, height: s) }
    }

    /// One image's patch scores: the plan, each patch's calibrated class probabilities and, with a `familiarity`
    /// measure, the image's distance to the training images (from its patches' mean features).
    public struct PatchScores: Sendable {
        /// Where the patches were cut (in the possibly downscaled image).
        public let plan: PatchPlan
        /// Each patch's calibrated class probabilities, in `plan.origins` order.
        public let probabilities: [[Double]]
        /// The image's familiarity distance (from its patches' mean features), or nil without a measure.
        public let distance: Double?
    }

    /// Scores every patch of every image in shared batches (patch models only).
    public func patchScores(_ images: [RGBImage]) -> [PatchScores] {
        let (plans, spans, outputs) = patchOutputs(images, withFeatures: familiarity != nil)
        let distances = familiarity.map { $0.distances(Self.meanRows(outputs.features!, spans: spans)) }
        return plans.indices.map { PatchScores(plan: plans[$0], probabilities: Array(outputs.probabilities[spans[$0]]), distance: distances?[$0]) }
    }

    /// Whether `imageFeatures` (and so a familiarity measure) exists for this detector: a patch model with an
    /// EfficientNet-Lite network.
    public var hasImageFeatures: Bool { Self.hasImageFeatures(inputMode, loaded) }

    private static func hasImageFeatures(_ mode: InputMode, _ loaded: LoadedModel) -> Bool {
        mode == .patches && loaded.model is PooledFeatureNetwork
    }

    /// Each image's pooled features `[N, D]`, averaged over its patches, as `familiarity` measures them; nil unless this
    /// is a patch model with an EfficientNet-Lite network.
    public func imageFeatures(_ images: [RGBImage]) -> Tensor? {
        guard hasImageFeatures else { return nil }
        let (_, spans, outputs) = patchOutputs(images, withFeatures: true)
        return Self.meanRows(outputs.features!, spans: spans)
    }

    /// The plans of `images`, which rows of the patch batch belong to each, and the model's outputs on all patches.
    private func patchOutputs(_ images: [RGBImage], withFeatures: Bool)
        -> (plans: [PatchPlan], spans: [Range<Int>], outputs: (probabilities: [[Double]], features: Tensor?)) {
        let plans = images.map { plan(width: $0.width, height: $0.height) }
        var all: [RGBImage] = []
        var spans: [Range<Int>] = []
        for (image, plan) in zip(images, plans) {
            let start = all.count
            all += patches(image, plan: plan)
            spans.append(start..<all.count)
        }
        return (plans, spans, modelOutputs(all, withFeatures: withFeatures))
    }

    /// The mean of each span of rows of `x` (`[P, D]`), `[spans.count, D]`.
    private static func meanRows(_ x: Tensor, spans: [Range<Int>]) -> Tensor {
        let d = x.shape[1]
        let out = Tensor(zeros: [spans.count, d])
        for (i, span) in spans.enumerated() where !span.isEmpty {
            let o = out.pointer + i * d
            for r in span { for j in 0..<d { o[j] += x.pointer[r * d + j] } }
            for j in 0..<d { o[j] /= Float(span.count) }
        }
        return out
    }

    /// The model-sized view of `image`.
    public func prepare(_ image: RGBImage) -> RGBImage {
        let s = loaded.inputSize
        if image.width == s && image.height == s { return image }
        return image.resized(width: s, height: s, filter: image.width >= s && image.height >= s ? .area : .bilinear)
    }

    /// Each image's score (batched inference): calibrated class probabilities in `classes` order (the whole image, or
    /// its patches aggregated by `aggregation` for a patch model) and, with a `familiarity` measure, its distance.
    public func scores(_ images: [RGBImage]) -> [Score] {
        if smallInputs != nil { return routed(images) { $0.ownScores($1) } }
        return ownScores(images)
    }

    /// Calibrated class probabilities for each image, in `classes` order: `scores` without the distances.
    public func probabilities(_ images: [RGBImage]) -> [[Double]] {
        scores(images).map(\.probabilities)
    }

    /// `scores` by this detector's own model, with no routing.
    private func ownScores(_ images: [RGBImage]) -> [Score] {
        switch inputMode {
        case .whole: return modelProbabilities(images).map { Score(probabilities: $0) }
        case .patches:
            return patchScores(images).map { Score(probabilities: aggregation.aggregate($0.probabilities, realIndex: realIndex), distance: $0.distance) }
        }
    }

    /// Calibrated class probabilities of each image as the model sees it (`prepare`: resized to the input if needed).
    func modelProbabilities(_ images: [RGBImage]) -> [[Double]] {
        modelOutputs(images, withFeatures: false).probabilities
    }

    /// Calibrated class probabilities of each image as the model sees it and, `withFeatures` and for a
    /// `PooledFeatureNetwork`, its pooled features `[N, featureWidth]` from the same pass (nil otherwise).
    private func modelOutputs(_ images: [RGBImage], withFeatures: Bool) -> (probabilities: [[Double]], features: Tensor?) {
        let network = withFeatures ? loaded.model as? PooledFeatureNetwork : nil
        let width = network?.featureWidth ?? 0
        let features = network.map { _ in Tensor(zeros: [images.count, width]) }
        guard !images.isEmpty else { return ([], features) }
        let s = loaded.inputSize, n = s * s * 3
        var out: [[Double]] = []
        for start in stride(from: 0, to: images.count, by: 256) {
            let chunk = images[start..<min(images.count, start + 256)]
            let x = Tensor(zeros: [chunk.count, s, s, 3])
            for (j, img) in chunk.enumerated() { prepare(img).writeFloats(into: x.pointer + j * n) }
            let logits = GradMode.withoutGrad { () -> Tensor in
                guard let network, let features else { return loaded.model(x) }
                let f = network.features(x)
                (features.pointer + start * width).update(from: f.pointer, count: f.count)
                return network.logits(fromFeatures: f)
            }
            out += Predictor.probabilities(logits: logits, temperature: temperature)
        }
        return (out, features)
    }

    /// p_fake for each image (batched inference): see `pFake(probabilities:)`.
    public func pFake(_ images: [RGBImage]) -> [Double] {
        probabilities(images).map(pFake(probabilities:))
    }

    /// p_FAKE of a REAL/FAKE model; 1 - p_REAL of a model with more classes.
    public func pFake(probabilities p: [Double]) -> Double {
        isBinary ? p[1] : 1 - p[realIndex]
    }

    /// The cells of a heatmap of `image` and what to score for each, row-major: for a whole-image model the `grid` x
    /// `grid` tiles (each scored whole); for a patch model its patch plan's patches (`columns` x `rows` cells, each
    /// drawn over its share of the image; patches may overlap a little, cells do not).
    public func heatmapCells(_ image: RGBImage, grid: Int) -> (columns: Int, rows: Int, images: [RGBImage]) {
        let judge = route(width: image.width, height: image.height)
        if judge !== self { return judge.heatmapCells(image, grid: grid) }
        guard inputMode == .patches else { return (grid, grid, tiles(image, grid: grid)) }
        let plan = plan(width: image.width, height: image.height)
        return (plan.columns, plan.rows, patches(image, plan: plan))
    }

    /// The `grid` x `grid` tiles of `image`, row-major (a whole-image model's heatmap cells).
    public func tiles(_ image: RGBImage, grid: Int) -> [RGBImage] {
        (0..<(grid * grid)).map { t -> RGBImage in
            let (r, c) = (t / grid, t % grid)
            let x0 = c * image.width / grid, x1 = (c + 1) * image.width / grid
            let y0 = r * image.height / grid, y1 = (r + 1) * image.height / grid
            return image.cropped(x: x0, y: y0, width: max(1, x1 - x0), height: max(1, y1 - y0))
        }
    }

    /// Decodes one input and reads its metadata evidence, Content Credentials verified by `credentials` (its trust
    /// anchors and time): all that judging needs besides the score.
    /// Throws `ImageError` (named after `path`) for empty, corrupt, unsupported or oversized images.
    public static func read(_ data: Data, path: String, maxPixels: Int,
                            credentials: C2PAValidator = C2PAValidator()) throws -> (image: RGBImage, evidence: [Evidence]) {
        let image = try ImageDecoder.decode(data, path: path, maxPixels: maxPixels)
        var evidence = MetadataEvidence.read(data)
        // The verified reading replaces the presence-only line of the metadata scan.
        if let c2pa = ContentCredentials.evidence(data, validator: credentials) { evidence = evidence.filter { $0.source != "c2pa" } + c2pa }
        return (image, evidence)
    }

    /// The `reason` of a verdict that authentic Content Credentials decided.
    public static let contentCredentialsReason = "content credentials"

    /// The answer for one image scored by a REAL/FAKE model (the heatmap, if any, is attached by the caller); a patch
    /// model's `scoringNotes` join the evidence. `distance` is the image's `Score.distance` (nil: not measured).
    public func judgement(path: String, image: RGBImage, evidence: [Evidence], pFake: Double, distance: Double? = nil) -> Judgement {
        let judge = route(width: image.width, height: image.height)
        if judge !== self {
            return judge.judgement(path: path, image: image, evidence: evidence + routeNote(judge), pFake: pFake, distance: distance)
        }
        let evidence = evidence + scoringNotes(width: image.width, height: image.height) + familiarityNote(distance)
        var (verdict, reason) = verdict(pFake: pFake, evidence: evidence)
        if verdict != .unsure, reason == Self.pixelsReason {
            if inputMode == .patches, plan(width: image.width, height: image.height).resized {
                // A patch model reads traces at native resolution; an image under one patch had to be enlarged, which
                // erases them, so its pixel score is outside what the model was trained on.
                (verdict, reason) = (.unsure, Self.tooSmallReason(side: loaded.inputSize))
            } else if isUnfamiliar(distance) {
                (verdict, reason) = (.unsure, Self.unfamiliarReason(pixels: verdict))
            }
        }
        return Judgement(path: path, verdict: verdict, pFake: pFake, reason: reason, evidence: evidence, width: image.width, height: image.height)
    }

    /// Whether an image at `distance` from the training images is beyond this detector's familiarity threshold (false
    /// when either is unknown).
    public func isUnfamiliar(_ distance: Double?) -> Bool {
        guard let distance, let familiarity else { return false }
        return familiarity.isUnfamiliar(distance)
    }

    /// The `reason` of UNSURE for an image far from every training image, whose pixels said `pixels`.
    public static func unfamiliarReason(pixels: Verdict) -> String {
        "unfamiliar: far from every image the model was trained on (e.g. a screenshot, drawing or icon), so its pixel verdict (\(pixels.rawValue)) is not reliable"
    }

    /// The evidence line giving an image's distance to the training images (empty when not measured).
    private func familiarityNote(_ distance: Double?) -> [Evidence] {
        guard let distance, let familiarity else { return [] }
        return [Evidence(source: "discern:familiarity", value: String(format: "distance %.3f to the %@ training image; unfamiliar above %.3f",
                                                                       distance, Self.ordinalNearest(familiarity.k), familiarity.threshold), indicates: .info)]
    }

    /// "nearest" for 1, else "5th-nearest" and so on.
    private static func ordinalNearest(_ k: Int) -> String {
        guard k > 1 else { return "nearest" }
        let suffix = (11...13).contains(k % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][k % 10] ?? "th"
        return "\(k)\(suffix)-nearest"
    }

    /// The evidence line saying the router sent an image to its small-input detector.
    private func routeNote(_ judge: Detector) -> [Evidence] {
        guard let side = smallInputs?.maxSide else { return [] }
        let name = judge.loaded.metadata.architecture
        return [Evidence(source: "discern:router", value: "at most \(side) px a side: scored by the small-image model (\(name), \(judge.loaded.inputSize)x\(judge.loaded.inputSize) input)", indicates: .info)]
    }

    /// What a patch model did to an image besides cutting native-resolution patches, as evidence items: shrinking
    /// past the pixel budget, or resizing an image smaller than one patch (empty for whole-image models).
    public func scoringNotes(width: Int, height: Int) -> [Evidence] {
        guard inputMode == .patches else { return [] }
        let plan = plan(width: width, height: height)
        var notes: [Evidence] = []
        if plan.downscale > 1 {
            notes.append(Evidence(source: "discern:patches", value: "shrunk 1/\(plan.downscale) before scoring: above the pixel budget of \(pixelBudget); traces are weaker at that scale", indicates: .info))
        }
        if plan.resized {
            notes.append(Evidence(source: "discern:patches", value: "smaller than one \(plan.side)-pixel patch: its centred square was resized to \(plan.side)", indicates: .info))
        }
        return notes
    }

    /// The answer for one image from its class probabilities (any model); a model with more than two classes adds
    /// them to the answer. A patch model's `scoringNotes` join the evidence.
    /// `distance` as for the p_fake version (used by REAL/FAKE models only).
    public func judgement(path: String, image: RGBImage, evidence: [Evidence], probabilities p: [Double], distance: Double? = nil) -> Judgement {
        let judge = route(width: image.width, height: image.height)
        if judge !== self {
            return judge.judgement(path: path, image: image, evidence: evidence + routeNote(judge), probabilities: p, distance: distance)
        }
        if isBinary { return judgement(path: path, image: image, evidence: evidence, pFake: p[1], distance: distance) }
        let evidence = evidence + scoringNotes(width: image.width, height: image.height)
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

    /// The `reason` of UNSURE for an image a patch model would have to enlarge (shorter side under one patch).
    public static func tooSmallReason(side: Int) -> String {
        "too small: shorter side under one \(side)-pixel patch, so native-resolution traces cannot be read"
    }

    /// Whether `pFake` falls strictly inside the unsure band.
    public func isUnsure(pFake: Double) -> Bool {
        unsureBand.lowerBound < unsureBand.upperBound && pFake > unsureBand.lowerBound && pFake < unsureBand.upperBound
    }

    /// Calibrated probabilities back to the model's own (temperature 1): logits times the temperature, softmax again.
    /// Exact for whole-image models and for patch aggregations that are linear in the logits (mean-logit, top-k).
    public func uncalibrated(_ p: [Double]) -> [Double] {
        guard temperature != 1 else { return p }
        let logits = p.map { Foundation.log(Swift.max($0, 1e-300)) * temperature }
        let top = logits.max() ?? 0
        let e = logits.map { Foundation.exp($0 - top) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// Combines the pixel score and metadata evidence (see the type's documentation).
    public func verdict(pFake: Double, evidence: [Evidence]) -> (Verdict, reason: String) {
        Self.weigh(pixels: isUnsure(pFake: pFake) ? .unsure : pFake >= 0.5 ? .fake : .real, evidence: evidence)
    }

    /// The pixel verdict `pixels` weighed against metadata, for every model: generator metadata makes it FAKE; camera
    /// metadata turns any pixel verdict but REAL into UNSURE.
    private static func weigh(pixels: Verdict, evidence: [Evidence]) -> (Verdict, reason: String) {
        if let e = evidence.first(where: { $0.indicates == .aiGenerated && $0.source == "c2pa" }) {
            // "content credentials (signed by OpenAI)"; the evidence line has the claim and the checks.
            let signer = e.value.range(of: "signed by ").map { String(e.value[$0.upperBound...].prefix { $0 != "(" && $0 != "," }) }
            return (.fake, contentCredentialsReason + (signer.map { " (signed by \($0.trimmingCharacters(in: .whitespaces)))" } ?? ""))
        }
        if let e = evidence.first(where: { $0.indicates == .aiGenerated }) {
            return (.fake, "metadata: \(e.source)")
        }
        if pixels == .unsure { return (.unsure, "pixels: p_fake inside the unsure band") }
        if pixels != .real, let camera = evidence.first(where: { $0.indicates == .camera }) {
            // Camera metadata is easy to copy, so it never makes an image REAL; but a pixel FAKE (or EDITED, GAN)
            // on a camera file is where the models' false alarms cluster (unseen cameras, MODEL_CARD.md).
            return (.unsure, "pixels say \(pixels.rawValue), metadata says camera (\(camera.source))")
        }
        return (pixels, pixelsReason)
    }
}

/// Why a detector could not be built.
public enum DetectorError: Error, CustomStringConvertible {
    case unsupportedClasses([String])
    case badRouter(String, String)
    /// The one-line message `discern` prints.
    public var description: String {
        switch self {
        case let .badRouter(path, reason):
            return "\(path): bad size router: \(reason)"
        case let .unsupportedClasses(classes):
            return "a detector needs a REAL/FAKE model, or one with more classes, unique, one of them REAL; this one has classes \(classes.joined(separator: ", "))"
        }
    }
}
