import NN
import Tensor
import TestSupport
import XCTest

/// Drop path (per-sample dropout): a sample is kept whole (scaled by 1 / (1 - rate)) or zeroed whole.
final class DropPathTests: XCTestCase {
    func testSamplesAreDroppedOrKeptWholeAndScaled() {
        let layer = Dropout(0.5, perSample: true, seed: 7)
        let x = randomTensor([64, 3, 3, 4], seed: 1, range: 1...2)
        let y = layer(x)
        var dropped = 0
        for n in 0..<64 {
            let ys = y.scalars[(n * 36)..<((n + 1) * 36)], xs = x.scalars[(n * 36)..<((n + 1) * 36)]
            if ys.allSatisfy({ $0 == 0 }) { dropped += 1 } else {
                for (a, b) in zip(ys, xs) { XCTAssertEqual(a, 2 * b, accuracy: 1e-6) }
            }
        }
        XCTAssertTrue((20...44).contains(dropped), "\(dropped) of 64 dropped at rate 0.5")
        // The gradient flows through kept samples only, scaled the same way.
        let xg = randomTensor([8, 2, 2, 3], seed: 2, range: 1...2)
        xg.requiresGrad = true
        let yg = Dropout(0.5, perSample: true, seed: 3)(xg)
        yg.sum().backward()
        for i in 0..<xg.count { XCTAssertEqual(xg.grad!.scalars[i], yg.scalars[i] == 0 ? 0 : 2, accuracy: 1e-6) }
        layer.setTraining(false)
        XCTAssertEqual(layer(x).scalars, x.scalars, "identity in evaluation mode")
    }
}
