import ArgumentParser
import Foundation
import Inference
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
        let fitting: FamiliarityFitting
        do { fitting = try FamiliarityFitting(model: URL(fileURLWithPath: model)) } catch { throw ValidationError("\(error)") }
        let referenceFeatures = try features(fitting, reference, label: "reference")
        let heldOutFeatures = try features(fitting, heldOut, label: "held out")
        let (familiarity, heldOutDistances): (Familiarity, [Double])
        do {
            (familiarity, heldOutDistances) = try fitting.fit(reference: referenceFeatures, heldOut: heldOutFeatures, k: k, maxShare: maxShare)
        } catch let error as FamiliarityFittingError { throw ValidationError(error.description) }
        let spread = familiarity.leaveOneOutDistances()
        print(String(format: "reference %d images, held out %d: threshold %.4f (k %d); held-out distances median %.4f, max %.4f; reference leave-one-out median %.4f",
                     referenceFeatures.shape[0], heldOutFeatures.shape[0], familiarity.threshold, k,
                     FamiliarityFitting.median(heldOutDistances), heldOutDistances.max() ?? .nan, FamiliarityFitting.median(spread)))
        print(Self.shareLine("held out", heldOutDistances, familiarity))
        for set in check {
            print(Self.shareLine(set, familiarity.distances(try features(fitting, [set], label: set)), familiarity))
        }
        let target = URL(fileURLWithPath: out ?? model)
        try fitting.write(familiarity, data: reference.joined(separator: " ") + " | held out: " + heldOut.joined(separator: " "), to: target)
        print("wrote \(target.path)")
    }

    /// Image-level features of every readable image of `paths`, with a progress bar.
    private func features(_ fitting: FamiliarityFitting, _ paths: [String], label: String) throws -> Tensor {
        let bar = ProgressBar(total: 0, label: "features \(label)", unknownTotal: true)
        let features = try fitting.features(paths) { bar.update($0) }
        bar.finish(features.shape[0])
        return features
    }

    private static func shareLine(_ name: String, _ d: [Double], _ f: Familiarity) -> String {
        let beyond = d.filter(f.isUnfamiliar).count
        return String(format: "%@: %d of %d unfamiliar (%.1f %%), distances median %.4f", name, beyond, d.count,
                      100 * Double(beyond) / Double(max(d.count, 1)), FamiliarityFitting.median(d))
    }
}
