import NN
import Tensor
import TestSupport
import XCTest

final class GroupNormTests: XCTestCase {
    /// Each group of channels of each image, over all pixels, comes out with mean 0 and (biased) variance 1
    /// before the per-channel scale and shift; a hand-computed value checks the layout (groups are consecutive channels).
    func testNormalisesEachGroupPerImage() {
        let norm = GroupNorm(groups: 2, channels: 4)
        let x = randomTensor([2, 3, 2, 4], seed: 11, range: -3...5)
        let y = norm(x).scalars
        for image in 0..<2 {
            for group in 0..<2 {
                var values: [Float] = []
                for pixel in 0..<6 { for c in 0..<2 { values.append(y[(image * 6 + pixel) * 4 + group * 2 + c]) } }
                let mean = values.reduce(0, +) / Float(values.count)
                let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)
                XCTAssertEqual(mean, 0, accuracy: 1e-5)
                XCTAssertEqual(variance, 1, accuracy: 1e-3)
            }
        }
        let xs = x.scalars
        var group0: [Float] = []
        for pixel in 0..<6 { group0 += [xs[pixel * 4], xs[pixel * 4 + 1]] }
        let mu = group0.reduce(0, +) / 12, v = group0.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / 12
        XCTAssertEqual(y[1], (xs[1] - mu) / (v + 1e-5).squareRoot(), accuracy: 1e-5)

        norm.weight.assign(Tensor(shape: [4], scalars: [2, 2, 1, 1]))
        norm.bias.assign(Tensor(shape: [4], scalars: [1, 0, 0, 0]))
        XCTAssertEqual(norm(x).scalars[0], 2 * y[0] + 1, accuracy: 1e-5)
    }

    func testGradients() {
        let norm = GroupNorm(groups: 2, channels: 4)
        norm.weight.assign(randomTensor([4], seed: 12, range: 0.5...1.5))
        gradientCheck([randomTensor([2, 2, 3, 4], seed: 13), norm.bias], eps: 1e-2) { t in
            let y = norm(t[0])
            return y * y.sigmoid()
        }
    }
}
