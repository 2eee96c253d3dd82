import Foundation
import Tensor
import XCTest

/// Shared helpers for the test targets: fixtures, tolerant comparison, central-difference gradient checks.

/// Loads `Tests/Fixtures/torch/<name>.json` (made by `scripts/make_torch_fixtures.py`).
public func torchFixture(_ name: String) throws -> [String: Any] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/torch/\(name).json")
    let data = try Data(contentsOf: url)
    return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// A fixture tensor `{"shape", "data"}`, or nil for JSON null.
public func fixtureTensor(_ value: Any?, requiresGrad: Bool = false) -> Tensor? {
    guard let dict = value as? [String: Any], let shape = dict["shape"] as? [Int], let data = dict["data"] as? [Double] else { return nil }
    return Tensor(shape: shape, scalars: data.map(Float.init), requiresGrad: requiresGrad)
}

/// Asserts elementwise |a - b| <= atol + rtol * |b|.
public func assertClose(_ a: Tensor?, _ b: Tensor?, atol: Float = 1e-5, rtol: Float = 1e-4, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    guard let a, let b else { return XCTFail("missing tensor \(message)", file: file, line: line) }
    XCTAssertEqual(a.shape, b.shape, "shape \(message)", file: file, line: line)
    guard a.count == b.count else { return }
    var worst: Float = 0, worstIndex = 0
    for i in 0..<a.count {
        let excess = abs(a.pointer[i] - b.pointer[i]) - (atol + rtol * abs(b.pointer[i]))
        if excess > worst { worst = excess; worstIndex = i }
    }
    XCTAssertLessThanOrEqual(worst, 0, "\(message): element \(worstIndex) is \(a.pointer[worstIndex]), expected \(b.pointer[worstIndex])", file: file, line: line)
}

/// Central-difference gradient check of `f` at `inputs` for the scalar `sum(f(inputs) * r)` with a fixed
/// random `r`. Every element of every input is perturbed by ±`eps` (Float32, so eps is not tiny); the
/// analytic gradient must match within `atol + rtol * |numeric|`.
public func gradientCheck(
    _ inputs: [Tensor], eps: Float = 1e-2, atol: Float = 2e-3, rtol: Float = 2e-2, seed: UInt64 = 7,
    file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor
) {
    for t in inputs { t.requiresGrad = true; t.grad = nil }
    var rng = SplitMix64(seed: seed)
    let probe = f(inputs)
    let r = Tensor.uniform(probe.shape, in: -1...1, using: &rng)
    func objective() -> Double {
        let y = GradMode.withoutGrad { f(inputs) }
        var s = 0.0
        for i in 0..<y.count { s += Double(y.pointer[i]) * Double(r.pointer[i]) }
        return s
    }
    (probe * r).sum().backward()
    for (k, t) in inputs.enumerated() {
        guard let analytic = t.grad else { XCTFail("input \(k) got no gradient", file: file, line: line); continue }
        for i in 0..<t.count {
            let saved = t.pointer[i]
            t.pointer[i] = saved + eps
            let plus = objective()
            t.pointer[i] = saved - eps
            let minus = objective()
            t.pointer[i] = saved
            let numeric = Float((plus - minus) / Double(2 * eps))
            let a = analytic.pointer[i]
            if abs(a - numeric) > atol + rtol * abs(numeric) {
                XCTFail("input \(k) element \(i): analytic \(a), numeric \(numeric)", file: file, line: line)
                return
            }
        }
    }
}

/// Random tensor in -1...1 from a fixed seed.
public func randomTensor(_ shape: [Int], seed: UInt64 = 1, range: ClosedRange<Float> = -1...1) -> Tensor {
    var rng = SplitMix64(seed: seed)
    return Tensor.uniform(shape, in: range, using: &rng)
}

/// `f`'s value on `inputs` and the gradient of each input under a fixed random projection of the value
/// (`sum(f(inputs) * r)`, `r` seeded): what fused-op tests compare between a fused op and the ops it replaces.
/// Sets `requiresGrad` and clears the inputs' old gradients.
public func valueAndGradients(_ inputs: [Tensor], _ f: ([Tensor]) -> Tensor) -> (Tensor, [Tensor?]) {
    for t in inputs { t.requiresGrad = true; t.grad = nil }
    let y = f(inputs)
    (y * randomTensor(y.shape, seed: 99)).sum().backward()
    return (y, inputs.map(\.grad))
}
