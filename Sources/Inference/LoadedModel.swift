import Data
import Foundation
import Models
import NN
import Tensor

/// A model rebuilt from a checkpoint: the architecture and options in its metadata, then its weights.
public struct LoadedModel {
    /// The network in evaluation mode, weights from the file: input `[N, inputSize, inputSize, 3]` in 0...1.
    public let model: Module
    /// Class names in output order.
    public let classes: ClassList
    /// The checkpoint's typed metadata (architecture, calibration, patch mode, router, familiarity).
    public let metadata: CheckpointMetadata
    /// Input side length the model was trained at.
    public let inputSize: Int
    /// Where it was loaded from.
    public let url: URL
    /// Data the detector uses beside the network (`Checkpoint.detectorPrefix`), e.g. familiarity features.
    public let detectorTensors: [String: Tensor]
    /// Calibration temperature from `discern calibrate` (1 when uncalibrated).
    public var temperature: Double { metadata.temperature ?? 1 }

    /// Loads `url` (a safetensors checkpoint written by `discern train`).
    public init(_ url: URL) throws {
        let (tensors, map) = try Safetensors.read(url)
        let metadata = try CheckpointMetadata(map, path: url.path)
        let classes = ClassList(metadata.classes)
        let inputSize = metadata.inputSize
        // Every weight comes from the file (Checkpoint.load demands all of them), so none is drawn at random.
        let model = try Initializer.withoutRandomFill {
            try ModelFactory.make(metadata.architecture, classes: classes.count, inputSize: inputSize,
                                  width: metadata.width ?? 16, depth: metadata.depth ?? 3, seed: 0)
        }
        try Checkpoint.load(into: model, tensors: Checkpoint.modelTensors(tensors), path: url.path)
        model.setTraining(false)
        self.model = model
        self.classes = classes
        self.metadata = metadata
        self.inputSize = inputSize
        self.url = url
        detectorTensors = Checkpoint.detectorTensors(tensors)
    }
}
