import Data
import Foundation
import NN
import Tensor

/// Why a familiarity measure cannot be fitted for a checkpoint.
public enum FamiliarityFittingError: Error, CustomStringConvertible, Equatable {
    /// The checkpoint is a size router (fit its large model, then join them).
    case router(String)
    /// The model is not a patch model with image features (an EfficientNet-Lite network).
    case noImageFeatures(String)
    /// The reference has no more readable images than `k`.
    case referenceTooSmall(count: Int, k: Int)
    /// The held-out data has no readable image.
    case noHeldOut

    /// One line for the user.
    public var description: String {
        switch self {
        case .router(let path): "\(path) is a size router: run familiarity on its large model, then `discern route`"
        case .noImageFeatures(let path): "\(path): familiarity needs a patch model (input_mode: patches) with an EfficientNet-Lite network"
        case .referenceTooSmall(let count, let k): "--reference has \(count) readable images; --k \(k) needs more"
        case .noHeldOut: "--held-out has no readable image"
        }
    }
}

/// Fits a patch model's `Familiarity` from its training images and held-out images and stores it in the checkpoint
/// (what `discern familiarity` does).
public struct FamiliarityFitting {
    /// The patch model the measure is for.
    public let detector: Detector
    /// Its checkpoint.
    public let model: URL

    /// Loads `model`; throws unless it is a patch model with image features and not a router.
    public init(model: URL) throws {
        let detector = try Detector(LoadedModel(model), routeSmallInputs: false)
        guard detector.loaded.metadata.smallInputModel == nil else { throw FamiliarityFittingError.router(model.relativePath) }
        guard detector.inputMode == .patches, detector.hasImageFeatures else { throw FamiliarityFittingError.noImageFeatures(model.relativePath) }
        (self.detector, self.model) = (detector, model)
    }

    /// Image-level features `[N, D]` of every readable image of `paths`, each image once (a manifest may list an image
    /// twice to weight it in training). `progress` gets the number of images done.
    public func features(_ paths: [String], progress: ((Int) -> Void)? = nil) throws -> Tensor {
        guard let result = try NativeScoring.features(detector, source: DatasetSource(paths: paths), progress: { progress?($0) }) else {
            throw FamiliarityFittingError.noImageFeatures(model.relativePath)
        }
        var seen = Set<String>()
        let keep = result.paths.indices.filter { seen.insert(result.paths[$0]).inserted }
        guard keep.count < result.paths.count else { return result.features }
        let d = result.features.shape[1], all = result.features.scalars
        return Tensor(shape: [keep.count, d], scalars: keep.flatMap { all[($0 * d)..<(($0 + 1) * d)] })
    }

    /// The measure over `reference` features with its threshold fitted on `heldOut` features (`Familiarity.fit`), and the
    /// held-out distances.
    public func fit(reference: Tensor, heldOut: Tensor, k: Int, maxShare: Double) throws -> (Familiarity, heldOut: [Double]) {
        guard reference.shape[0] > k else { throw FamiliarityFittingError.referenceTooSmall(count: reference.shape[0], k: k) }
        guard heldOut.shape[0] > 0 else { throw FamiliarityFittingError.noHeldOut }
        return Familiarity.fit(reference: reference, heldOut: heldOut, k: k, maxShare: maxShare)
    }

    /// Writes the checkpoint with `familiarity` stored (model tensors, no optimizer state) to `out`, recording `data` as
    /// where it came from, and checks it loads with the measure.
    public func write(_ familiarity: Familiarity, data: String, to out: URL) throws {
        var tensors = Checkpoint.withoutTrainingState(try Safetensors.read(model).tensors)
        tensors[Familiarity.tensorName] = familiarity.reference
        var metadata = detector.loaded.metadata
        familiarity.store(in: &metadata, data: data)
        try Safetensors.write(tensors, metadata: metadata.map, to: out)
        _ = try Detector(LoadedModel(out))
    }

    /// The median of `x` (NaN when empty), for the summary lines.
    public static func median(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        let s = x.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
