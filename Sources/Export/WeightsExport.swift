import Foundation
import NN

/// A checkpoint as weights-only safetensors (what `discern export --format safetensors` writes): the model's tensors
/// and metadata without optimizer state or detector data.
///
/// The familiarity reference (the rule that answers UNSURE for images far from the training data) is detector data, not
/// network weights, so it and its metadata are left out. A size router's small-image model is written beside the output
/// as `OUT-small.safetensors`, and the router's metadata names that file.
public enum WeightsExport {
    /// What `write` produced.
    public struct Written: Equatable, Sendable {
        /// Tensors in the output file.
        public var tensorCount: Int
        /// Whether a familiarity reference was left out.
        public var leftOutFamiliarity: Bool
        /// The small-image model's file name beside the output, for a size router.
        public var smallInputModel: String?
    }

    /// Exports `checkpoint` to `out`.
    @discardableResult
    public static func write(_ checkpoint: URL, to out: URL) throws -> Written {
        let (tensors, map) = try Safetensors.read(checkpoint)
        var metadata = try CheckpointMetadata(map, path: checkpoint.path)
        let weights = Checkpoint.modelTensors(tensors)
        let leftOut = metadata.familiarityThreshold != nil
        if leftOut { (metadata.familiarityK, metadata.familiarityThreshold, metadata.familiarityData) = (nil, nil, nil) }
        if let small = metadata.smallInputModel {
            let name = out.deletingPathExtension().lastPathComponent + "-small.safetensors"
            let (smallTensors, smallMetadata) = try Safetensors.read(checkpoint.deletingLastPathComponent().appendingPathComponent(small))
            try Safetensors.write(Checkpoint.modelTensors(smallTensors), metadata: smallMetadata,
                                  to: out.deletingLastPathComponent().appendingPathComponent(name))
            metadata.smallInputModel = name
        }
        try Safetensors.write(weights, metadata: metadata.map, to: out)
        return Written(tensorCount: weights.count, leftOutFamiliarity: leftOut, smallInputModel: metadata.smallInputModel)
    }
}
