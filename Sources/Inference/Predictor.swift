import ClassifierMetrics
import Data
import Foundation
import NN
import Tensor

/// Batched inference of a model over a decoded dataset, in evaluation mode and without a tape.
public enum Predictor {
    /// Class probabilities per image (`[1 - p, p]` for a single-logit binary model); with `crop`, of each image's
    /// centred `crop` x `crop` window.
    public static func probabilities(_ model: Module, dataset: DecodedDataset, batchSize: Int = 256, temperature: Double = 1,
                                     crop: Int? = nil) -> [[Double]] {
        let wasTraining = model.isTraining
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        let loader = BatchLoader(dataset: dataset, batchSize: batchSize, shuffle: false, seed: 0, crop: crop)
        var out: [[Double]] = []
        out.reserveCapacity(dataset.count)
        GradMode.withoutGrad {
            for batch in loader.batches(epoch: 0) {
                out.append(contentsOf: probabilities(logits: model(batch.images), temperature: temperature))
            }
        }
        return out
    }

    /// The single logit of a binary model for every image.
    public static func binaryLogits(_ model: Module, dataset: DecodedDataset, batchSize: Int = 256) -> [Double] {
        let wasTraining = model.isTraining
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        var out: [Double] = []
        GradMode.withoutGrad {
            for batch in BatchLoader(dataset: dataset, batchSize: batchSize, shuffle: false, seed: 0).batches(epoch: 0) {
                out += model(batch.images).scalars.map(Double.init)
            }
        }
        return out
    }

    /// The element-wise mean of per-image class-probability tables of equal shape (the members of an ensemble,
    /// or the views of one image), summed in order and then divided.
    public static func mean(_ tables: [[[Double]]]) -> [[Double]] {
        guard var sum = tables.first else { return [] }
        for table in tables.dropFirst() {
            for i in sum.indices { for k in sum[i].indices { sum[i][k] += table[i][k] } }
        }
        let n = Double(tables.count)
        return sum.map { $0.map { $0 / n } }
    }

    /// Logits `[N, 1]` (binary) or `[N, K]` to per-image class probabilities.
    public static func probabilities(logits: Tensor, temperature: Double = 1) -> [[Double]] {
        let k = logits.shape[1], values = logits.scalars
        return (0..<logits.shape[0]).map { i in
            if k == 1 { return LogitProbabilities.binary(logit: Double(values[i]), temperature: temperature) }
            return LogitProbabilities.softmax((0..<k).map { Double(values[i * k + $0]) }, temperature: temperature)
        }
    }
}
