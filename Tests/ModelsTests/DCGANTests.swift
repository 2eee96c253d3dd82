import Models
import NN
import Tensor
import TestSupport
import XCTest

/// DCGAN shapes and wiring: the generator makes tanh images of the asked size, the discriminator gives
/// one logit, every parameter receives a gradient, and the initialisation is N(0, 0.02).
final class DCGANTests: XCTestCase {
    func testShapesAt32And64() {
        for size in [32, 64] {
            var rng = SplitMix64(seed: 1)
            let g = DCGANGenerator(latent: 16, size: size, width: 8, using: &rng)
            let d = DCGANDiscriminator(size: size, width: 8, using: &rng)
            let z = Tensor(shape: [3, 16], scalars: (0..<48).map { _ in rng.nextGaussian() })
            let images = g(z)
            XCTAssertEqual(images.shape, [3, size, size, 3])
            XCTAssertTrue(images.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
            XCTAssertEqual(d(images).shape, [3, 1])
        }
    }

    func testEveryParameterGetsAGradientThroughBothNetworks() {
        var rng = SplitMix64(seed: 2)
        let g = DCGANGenerator(latent: 8, size: 32, width: 4, using: &rng)
        let d = DCGANDiscriminator(size: 32, width: 4, using: &rng)
        let z = Tensor(shape: [4, 8], scalars: (0..<32).map { _ in rng.nextGaussian() })
        let loss = Loss.binaryCrossEntropy(logits: d(g(z)), targets: [1, 1, 1, 1])
        loss.backward()
        for (name, p) in g.parameters() + d.parameters() {
            let norm = p.grad?.scalars.reduce(0) { $0 + $1 * $1 } ?? 0
            XCTAssertGreaterThan(norm, 0, "no gradient for \(name)")
        }
    }

    func testWeightsStartAsNormalWithStandardDeviation002() {
        var rng = SplitMix64(seed: 3)
        let g = DCGANGenerator(latent: 100, size: 32, using: &rng)
        let w = g.project.weight.scalars
        let mean = w.reduce(0, +) / Float(w.count)
        let sd = (w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(w.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 1e-3)
        XCTAssertEqual(sd, 0.02, accuracy: 1e-3)
    }
}
