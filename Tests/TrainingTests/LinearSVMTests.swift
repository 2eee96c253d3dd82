import Foundation
import Tensor
import TestSupport
import Training
import XCTest

/// The LIBLINEAR-backed linear SVM: separates Gaussian blobs it has not seen, in two and three classes,
/// and survives a save/load round trip unchanged.
final class LinearSVMTests: XCTestCase {
    /// `perClass` points per class around `centers` (unit variance, plus a large constant offset in
    /// dimension 0 that standardisation must remove).
    func blobs(_ centers: [[Float]], perClass: Int, seed: UInt64) -> (Tensor, [Int]) {
        var rng = SplitMix64(seed: seed)
        let d = centers[0].count
        var values: [Float] = [], labels: [Int] = []
        for _ in 0..<perClass { for (c, center) in centers.enumerated() {
            for j in 0..<d { values.append(center[j] + rng.nextGaussian() + (j == 0 ? 1000 : 0)) }
            labels.append(c)
        } }
        return (Tensor(shape: [labels.count, d], scalars: values), labels)
    }

    func accuracy(_ svm: LinearSVM, _ x: Tensor, _ y: [Int]) -> Double {
        Double(zip(svm.predict(x), y).filter { $0 == $1 }.count) / Double(y.count)
    }

    func testBinaryBlobsAreSeparatedOnHeldOutPoints() throws {
        let centers: [[Float]] = [[-2, 0, 1, 0, 0, 0], [2, 0, -1, 0, 0, 0]]
        let (x, y) = blobs(centers, perClass: 300, seed: 1)
        let svm = try LinearSVM.train(features: x, labels: y, classes: ["REAL", "FAKE"])
        let (tx, ty) = blobs(centers, perClass: 300, seed: 2)
        // Bayes accuracy for centres 2 * sqrt(5) apart at unit variance is Phi(sqrt(5)) = 98.7 %.
        XCTAssertGreaterThan(accuracy(svm, tx, ty), 0.97)
        // The decision weights point from REAL to FAKE along dimensions 0 and 2.
        XCTAssertGreaterThan(svm.weights[1][0], 0)
        XCTAssertLessThan(svm.weights[1][2], 0)
        XCTAssertEqual(svm.weights[0][0], -svm.weights[1][0], accuracy: 1e-6)
    }

    func testThreeClassesOneVersusRest() throws {
        let centers: [[Float]] = [[4, 0, 0, 0], [0, 4, 0, 0], [0, 0, 4, 0]]
        let (x, y) = blobs(centers, perClass: 200, seed: 3)
        let svm = try LinearSVM.train(features: x, labels: y, classes: ["REAL", "SD", "GAN"])
        let (tx, ty) = blobs(centers, perClass: 200, seed: 4)
        XCTAssertGreaterThan(accuracy(svm, tx, ty), 0.95)
        XCTAssertEqual(svm.weights.count, 3)
    }

    func testSaveAndLoadKeepEveryNumber() throws {
        let (x, y) = blobs([[-1, 1, 0], [1, -1, 0]], perClass: 100, seed: 5)
        let svm = try LinearSVM.train(features: x, labels: y, classes: ["REAL", "FAKE"])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("svm-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try svm.save(to: url, metadata: ["space": "test"])
        let (back, meta) = try LinearSVM.load(url)
        XCTAssertEqual(meta["space"], "test")
        XCTAssertEqual(back.classes, svm.classes)
        XCTAssertEqual(back.weights, svm.weights)
        XCTAssertEqual(back.bias, svm.bias)
        XCTAssertEqual(back.decisions(x), svm.decisions(x))
    }

    func testOneClassIsAnError() {
        let x = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertThrowsError(try LinearSVM.train(features: x, labels: [0, 0, 0], classes: ["REAL", "FAKE"])) {
            XCTAssertEqual($0 as? SVMError, .needTwoClasses)
        }
    }

    /// Binary decisions become a logistic of the margin; more classes a softmax (rows sum to 1, order kept).
    func testRankingProbabilities() {
        let p = LinearSVM.rankingProbabilities([[0.5, 1.5], [-1, 2, 0]])
        XCTAssertEqual(p[0][1], 1 / (1 + exp(-1)), accuracy: 1e-12)
        XCTAssertEqual(p[0][0] + p[0][1], 1, accuracy: 1e-12)
        let e = [exp(-1.0), exp(2.0), exp(0.0)], z = e.reduce(0, +)
        for (a, b) in zip(p[1], e.map { $0 / z }) { XCTAssertEqual(a, b, accuracy: 1e-12) }
    }
}
