import ArgumentParser
import Data
import Foundation
import Inference
import NN
import Tensor

/// `discern familiarity`: stores a patch model's training-image features and the distance beyond which an image is
/// unfamiliar (UNSURE), fitted on held-out images.
struct FamiliarityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "familiarity",
        abstract: "Teach a patch model which images are far from its training data, so that it answers UNSURE for them.",
        discussion: """
            The measure (Sources/Inference/Familiarity.swift; Sun et al., ICML 2022): an image's pooled EfficientNet-Lite \
            features, averaged over its patches and scaled to unit length, and their distance to the k-th nearest \
            --reference image. The threshold is set so that at most --max-share of the --held-out images (same sources as \
            the reference, never in it: e.g. the calibration split) lie beyond it. classify, serve and evaluate then \
            answer UNSURE for an image beyond it, with the reason "unfamiliar" and the distance in the evidence \
            (screenshots, drawings, icons: content unlike both the camera photos and the generators' images the model \
            saw). The checkpoint keeps the reference features (M x 1280 floats) beside the weights; export leaves them \
            out. --check DATA reports the share beyond the threshold for other sets (e.g. a folder of screenshots). \
            Run it on a calibrated patch model before `discern route`.
            """)

    @Option(help: "Calibrated patch model (input_mode: patches, an EfficientNet-Lite network); not a router.")
    var model: String
    @Option(parsing: .upToNextOption, help: "The images the model was trained on (folders, shards, manifests).")
    var reference: [String]
    @Option(parsing: .upToNextOption, help: "Held-out images from the same sources as --reference, e.g. the calibration data.")
    var heldOut: [String]
    @Option(help: "Which nearest reference image's distance is the score (1 = the nearest).")
    var k = 5
    @Option(help: "Largest share of --held-out images allowed beyond the threshold (UNSURE as unfamiliar).")
    var maxShare = 0.02
    @Option(parsing: .upToNextOption, help: "Other sets to report the unfamiliar share of, one line each (not stored).")
    var check: [String] = []
    @Option(help: "Where to write the checkpoint (default: overwrite --model).")
    var out: String?

    func validate() throws {
        guard FileManager.default.fileExists(atPath: model) else { throw ValidationError("\(model): no such checkpoint") }
        guard k >= 1 else { throw ValidationError("--k must be at least 1") }
        guard (0..<0.5).contains(maxShare) else { throw ValidationError("--max-share must be in [0, 0.5)") }
        guard !reference.isEmpty, !heldOut.isEmpty else { throw ValidationError("give --reference and --held-out data") }
        if let out, !out.hasSuffix(".safetensors") { throw ValidationError("--out must end in .safetensors") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: model)
        let detector: Detector
        do { detector = try Detector(LoadedModel(url), routeSmallInputs: false) } catch { throw ValidationError("\(error)") }
        guard detector.loaded.metadata.smallInputModel == nil else {
            throw ValidationError("\(model) is a size router: run familiarity on its large model, then `discern route`")
        }
        guard detector.inputMode == .patches, detector.hasImageFeatures else {
            throw ValidationError("\(model): familiarity needs a patch model (input_mode: patches) with an EfficientNet-Lite network")
        }
        let referenceFeatures = try features(detector, reference, label: "reference")
        let heldOutFeatures = try features(detector, heldOut, label: "held out")
        guard referenceFeatures.shape[0] > k else {
            throw ValidationError("--reference has \(referenceFeatures.shape[0]) readable images; --k \(k) needs more")
        }
        guard heldOutFeatures.shape[0] > 0 else { throw ValidationError("--held-out has no readable image") }
        let (familiarity, heldOutDistances) = Familiarity.fit(reference: referenceFeatures, heldOut: heldOutFeatures, k: k, maxShare: maxShare)
        let spread = familiarity.leaveOneOutDistances()
        print(String(format: "reference %d images, held out %d: threshold %.4f (k %d); held-out distances median %.4f, max %.4f; reference leave-one-out median %.4f",
                     referenceFeatures.shape[0], heldOutFeatures.shape[0], familiarity.threshold, k,
                     Self.median(heldOutDistances), heldOutDistances.max() ?? .nan, Self.median(spread)))
        print(Self.shareLine("held out", heldOutDistances, familiarity))
        for set in check {
            let d = familiarity.distances(try features(detector, [set], label: set))
            print(Self.shareLine(set, d, familiarity))
        }
        var tensors = Checkpoint.withoutTrainingState(try Safetensors.read(url).tensors)
        tensors[Familiarity.tensorName] = familiarity.reference
        var metadata = detector.loaded.metadata
        familiarity.store(in: &metadata, data: reference.joined(separator: " ") + " | held out: " + heldOut.joined(separator: " "))
        let target = URL(fileURLWithPath: out ?? model)
        try Safetensors.write(tensors, metadata: metadata.map, to: target)
        _ = try Detector(LoadedModel(target))   // it loads, with the measure
        print("wrote \(target.path)")
    }

    /// Image-level features of every readable image of `paths`, with a progress bar.
    private func features(_ detector: Detector, _ paths: [String], label: String) throws -> Tensor {
        let bar = ProgressBar(total: 0, label: "features \(label)", unknownTotal: true)
        guard let result = try NativeScoring.features(detector, source: DatasetSource(paths: paths), progress: { bar.update($0) }) else {
            throw ValidationError("\(model): no image features for this model")
        }
        bar.finish(result.paths.count)
        // A manifest may list an image twice (to weight it in training); the reference keeps each image once.
        var seen = Set<String>()
        let keep = result.paths.indices.filter { seen.insert(result.paths[$0]).inserted }
        guard keep.count < result.paths.count else { return result.features }
        let d = result.features.shape[1], all = result.features.scalars
        return Tensor(shape: [keep.count, d], scalars: keep.flatMap { all[($0 * d)..<(($0 + 1) * d)] })
    }

    private static func shareLine(_ name: String, _ d: [Double], _ f: Familiarity) -> String {
        let beyond = d.filter(f.isUnfamiliar).count
        return String(format: "%@: %d of %d unfamiliar (%.1f %%), distances median %.4f", name, beyond, d.count,
                      100 * Double(beyond) / Double(max(d.count, 1)), median(d))
    }

    private static func median(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        let s = x.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
