import NN
import Tensor
import TestSupport
import XCTest

final class ModuleTests: XCTestCase {
    func testDottedNamesParametersAndBuffers() {
        var rng = SplitMix64(seed: 1)
        let m = Sequential([Conv2d(3, 8, kernel: 3, using: &rng), BatchNorm(8), Activation(.relu), Flatten(), Dense(8, 1, bias: false, using: &rng)])
        XCTAssertEqual(m.namedTensors().map(\.name), [
            "layers.0.weight", "layers.0.bias",
            "layers.1.weight", "layers.1.bias", "layers.1.runningMean", "layers.1.runningVar",
            "layers.4.weight",
        ])
        XCTAssertEqual(m.parameters().map(\.name), ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.4.weight"])
        XCTAssertEqual(m.parameterCount, 3 * 3 * 3 * 8 + 8 + 8 + 8 + 8)
        m.setTraining(false)
        XCTAssertTrue(m.modules().allSatisfy { !$0.isTraining })
    }

    func testInitializersHaveTheirStatistics() {
        var rng = SplitMix64(seed: 5)
        let he = Initializer.heNormal.make([64, 64, 4], fanIn: 64, fanOut: 64, using: &rng).scalars
        let std = (he.map { Double($0 * $0) }.reduce(0, +) / Double(he.count)).squareRoot()
        XCTAssertEqual(std, (2.0 / 64).squareRoot(), accuracy: 0.01)
        let g = Initializer.glorotUniform.make([100, 50], fanIn: 100, fanOut: 50, using: &rng).scalars
        let a = Float((6.0 / 150).squareRoot())
        XCTAssertLessThanOrEqual(g.map(abs).max()!, a)
        XCTAssertGreaterThan(g.map(abs).max()!, 0.95 * a)
        let n = Initializer.normal002.make([10000], fanIn: 1, fanOut: 1, using: &rng).scalars
        XCTAssertEqual((n.map { Double($0 * $0) }.reduce(0, +) / 10000).squareRoot(), 0.02, accuracy: 0.001)
    }

    func testDropoutLayerOnlyInTraining() {
        let d = Dropout(0.5, seed: 1)
        let x = Tensor(repeating: 1, shape: [100])
        XCTAssertTrue(d(x).scalars.contains(0))
        d.setTraining(false)
        XCTAssertEqual(d(x).scalars, x.scalars)
    }

    func testWithoutRandomFillBuildsZerosOnlyInsideTheBlock() {
        var rng = SplitMix64(seed: 1)
        let skipped = Initializer.withoutRandomFill { Conv2d(3, 8, kernel: 3, initializer: .heNormal, using: &rng) }
        XCTAssertTrue(skipped.weight.scalars.allSatisfy { $0 == 0 })
        XCTAssertTrue(skipped.weight.requiresGrad, "still a trainable parameter")
        let drawn = Conv2d(3, 8, kernel: 3, initializer: .heNormal, using: &rng)
        XCTAssertGreaterThan(Set(drawn.weight.scalars).count, 100, "random draws are back after the block")
    }
}
