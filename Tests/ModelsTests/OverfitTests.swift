import Data
import Foundation
import Models
import NN
import Tensor
import TestSupport
import XCTest

/// End-to-end: the engine can fit real data. A small CNN must reach 100 % training accuracy on the
/// 64 CIFAKE sample images (`../shared/data/cifake/sample`) within a fixed budget of full-batch Adam steps.
final class OverfitTests: XCTestCase {
    func testSmallCNNMemorisesTheSampleImages() throws {
        let sample = sharedDataURL("cifake/sample")
        let dataset = try DecodedDataset.load(DatasetSource(paths: [sample.path]))
        XCTAssertEqual(dataset.count, 64)
        XCTAssertEqual(dataset.classes.names, ["REAL", "FAKE"])
        let batch = BatchLoader(dataset: dataset, batchSize: 64, shuffle: false, seed: 0).makeBatch(Array(0..<64), batch: 0, epoch: 0)
        var rng = SplitMix64(seed: 42)
        let model = SmallCNN(using: &rng)
        let optimizer = Adam(parameters: model.parameters(), learningRate: 2e-3)
        let targets = batch.labels.map(Float.init)
        let budget = 150
        var accuracy = 0.0, firstLoss: Float = 0, steps = 0
        for step in 1...budget {
            steps = step
            let logits = model(batch.images)
            let loss = Loss.binaryCrossEntropy(logits: logits, targets: targets)
            if step == 1 { firstLoss = loss.item }
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            let correct = zip(logits.scalars, batch.labels).filter { ($0 > 0 ? 1 : 0) == $1 }.count
            accuracy = Double(correct) / Double(batch.labels.count)
            if accuracy == 1 { break }
        }
        XCTAssertEqual(accuracy, 1, "training accuracy after \(steps) of \(budget) steps")
        XCTAssertGreaterThan(firstLoss, 0.6, "starts near chance (ln 2)")
    }
}
