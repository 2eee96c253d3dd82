import Data
import Foundation
import Models
import NN
import Tensor

/// A model rebuilt from a checkpoint: the architecture and options in its metadata, then its weights.
public struct LoadedModel {
    public let model: Module
    public let classes: ClassList
    public let metadata: [String: String]
    /// Input side length the model was trained at.
    public let inputSize: Int
    /// Where it was loaded from.
    public let url: URL
    /// Data the detector uses beside the network (`Checkpoint.detectorPrefix`), e.g. familiarity features.
    public let detectorTensors: [String: Tensor]
    /// Calibration temperature from `discern calibrate` (1 when uncalibrated).
    public var temperature: Double { Double(metadata["temperature"] ?? "") ?? 1 }

    /// Loads `url` (a safetensors checkpoint written by `discern train`).
    public init(_ url: URL) throws {
        let (tensors, metadata) = try Safetensors.read(url)
        guard let arch = metadata["architecture"] else {
            throw CheckpointError.missingTensor(path: url.path, name: "__metadata__.architecture")
        }
        let classes = ClassList((metadata["classes"] ?? "REAL,FAKE").split(separator: ",").map(String.init))
        let inputSize = Int(metadata["input_size"] ?? "") ?? 32
        // Every weight comes from the file (Checkpoint.load demands all of them), so none is drawn at random.
        let model = try Initializer.withoutRandomFill {
            try ModelFactory.make(arch, classes: classes.count, inputSize: inputSize,
                                  width: Int(metadata["width"] ?? "") ?? 16, depth: Int(metadata["depth"] ?? "") ?? 3, seed: 0)
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
