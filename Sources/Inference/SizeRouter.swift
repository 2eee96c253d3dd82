import Foundation
import NN

/// Why two checkpoints cannot be joined into a size router.
public enum SizeRouterError: Error, CustomStringConvertible, Equatable {
    /// The two models name different classes.
    case classesDiffer([String], [String])
    /// The small-image checkpoint is itself a router.
    case smallIsRouter(String)
    /// The output name does not end in `.safetensors`.
    case notSafetensors(String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .classesDiffer(let a, let b): "the models' classes differ: \(a) and \(b)"
        case .smallIsRouter(let path): "\(path) is itself a router"
        case .notSafetensors(let path): "\(path): a router's file name must end in .safetensors"
        }
    }
}

/// A size router: two checkpoints shipped as one detector (what `discern route` writes).
///
/// The router file holds the large-image model's weights and metadata plus `small_input_model` (the small model's file
/// name, beside it) and `small_input_max_side`; `Detector` sends an image whose longer side is at most that many pixels
/// to the small model, with that model's own calibration.
public enum SizeRouter {
    /// The files `join` wrote.
    public struct Written: Equatable, Sendable {
        /// The router checkpoint.
        public var router: URL
        /// The small-image checkpoint beside it (`NAME-small.safetensors`).
        public var small: URL
    }

    /// Joins `large` and `small` into `out` and `OUT-small.safetensors` beside it, without optimizer state, and checks
    /// the pair loads as one detector. Images up to `smallMaxSide` px on their longer side go to `small`.
    @discardableResult
    public static func join(large: URL, small: URL, smallMaxSide: Int, out: URL) throws -> Written {
        guard out.pathExtension == "safetensors" else { throw SizeRouterError.notSafetensors(out.relativePath) }
        let smallName = out.deletingPathExtension().lastPathComponent + "-small.safetensors"
        let smallTarget = out.deletingLastPathComponent().appendingPathComponent(smallName)
        let largeModel = try LoadedModel(large), smallModel = try LoadedModel(small)
        guard largeModel.classes == smallModel.classes else {
            throw SizeRouterError.classesDiffer(largeModel.classes.names, smallModel.classes.names)
        }
        guard smallModel.metadata.smallInputModel == nil else { throw SizeRouterError.smallIsRouter(small.relativePath) }
        let largeTensors = Checkpoint.withoutTrainingState(try Safetensors.read(large).tensors)
        let smallTensors = Checkpoint.modelTensors(try Safetensors.read(small).tensors)
        var largeMetadata = largeModel.metadata
        (largeMetadata.smallInputModel, largeMetadata.smallInputMaxSide) = (smallName, smallMaxSide)
        try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Safetensors.write(smallTensors, metadata: smallModel.metadata.map, to: smallTarget)
        try Safetensors.write(largeTensors, metadata: largeMetadata.map, to: out)
        _ = try Detector(LoadedModel(out))
        return Written(router: out, small: smallTarget)
    }
}
