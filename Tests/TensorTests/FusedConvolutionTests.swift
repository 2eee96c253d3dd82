import Tensor
import TestSupport
import XCTest

/// The inference-only fused convolutions equal the plain ops followed by the residual add and clamp.
final class FusedConvolutionTests: XCTestCase {
    /// A backend that implements only the three plain calls, so the protocol's default fused forward runs.
    struct PlainOnly: ConvolutionBackend {
        let inner = Im2colConvolution()
        func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
            inner.forward(g, x: x, w: w, bias: bias, y: y)
        }
        func backwardData(_ g: ConvGeometry, dy: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
            inner.backwardData(g, dy: dy, w: w, dx: dx)
        }
        func backwardFilter(_ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>?) {
            inner.backwardFilter(g, x: x, dy: dy, dw: dw, dbias: dbias)
        }
    }

    func reference(_ y: Tensor, residual: Tensor?, clamp: ClosedRange<Float>?) -> Tensor {
        var out = residual.map { y + $0 } ?? y
        if let clamp { out = Tensor(shape: out.shape, scalars: out.scalars.map { min(max($0, clamp.lowerBound), clamp.upperBound) }) }
        return out
    }

    func checkConv(kernel: Int, stride: Int, padding: Padding, cin: Int, cout: Int, bias: Bool, residual: Bool,
                   clamp: ClosedRange<Float>?, file: StaticString = #filePath, line: UInt = #line) {
        let x = randomTensor([3, 9, 9, cin], seed: 1, range: -2...2)
        let w = randomTensor([kernel, kernel, cin, cout], seed: 2)
        let b = bias ? randomTensor([cout], seed: 3) : nil
        let plain = x.conv2d(w, bias: b, stride: stride, padding: padding)
        let r = residual ? randomTensor(plain.shape, seed: 4, range: -3...3) : nil
        let expected = reference(plain, residual: r, clamp: clamp)
        let fused = x.fusedConv2d(w, bias: b, stride: stride, padding: padding, residual: r, clamp: clamp)
        assertClose(fused, expected, atol: 1e-5, rtol: 1e-5, "fused conv k\(kernel) s\(stride)", file: file, line: line)
        // Values on both sides of the clamp were exercised, or the test proves nothing about it.
        if let clamp {
            XCTAssertTrue(plain.scalars.contains { $0 < clamp.lowerBound } && fused.scalars.contains { $0 == clamp.lowerBound },
                          "clamp's lower edge untested", file: file, line: line)
            XCTAssertTrue(expected.scalars.contains { $0 == clamp.upperBound }, "clamp's upper edge untested", file: file, line: line)
        }
    }

    func testPointwiseConvWithResidualAndClamp() {
        checkConv(kernel: 1, stride: 1, padding: .valid, cin: 8, cout: 6, bias: true, residual: true, clamp: 0...1.5)
        checkConv(kernel: 1, stride: 1, padding: .valid, cin: 8, cout: 6, bias: false, residual: true, clamp: nil)
        checkConv(kernel: 1, stride: 1, padding: .valid, cin: 8, cout: 6, bias: true, residual: false, clamp: 0...1)
    }

    func testStridedSamePaddedConvWithClamp() {
        checkConv(kernel: 3, stride: 2, padding: .same, cin: 3, cout: 5, bias: true, residual: false, clamp: 0...1.5)
        checkConv(kernel: 3, stride: 1, padding: .same, cin: 4, cout: 4, bias: false, residual: true, clamp: -0.5...0.5)
    }

    /// One image per im2col block: the residual and bias offsets of every block but the first are exercised.
    func testManySmallBlocks() {
        let saved = Kernels.convolution
        Kernels.convolution = Im2colConvolution(blockFloats: 1)
        defer { Kernels.convolution = saved }
        checkConv(kernel: 1, stride: 1, padding: .valid, cin: 8, cout: 6, bias: true, residual: true, clamp: 0...1)
        checkConv(kernel: 3, stride: 2, padding: .same, cin: 3, cout: 5, bias: true, residual: true, clamp: 0...1)
    }

    func testDefaultFusedForwardOfAPlainBackend() {
        let saved = Kernels.convolution
        Kernels.convolution = PlainOnly()
        defer { Kernels.convolution = saved }
        checkConv(kernel: 1, stride: 1, padding: .valid, cin: 8, cout: 6, bias: true, residual: true, clamp: 0...1.5)
        checkConv(kernel: 3, stride: 2, padding: .same, cin: 3, cout: 5, bias: true, residual: false, clamp: 0...1.5)
    }

    /// Depthwise convolution by the definition, 'same' padding (TensorFlow: the odd pixel bottom/right).
    func naiveDepthwise(_ x: Tensor, _ w: Tensor, bias: Tensor?, stride: Int) -> Tensor {
        let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]), k = w.shape[0]
        let oh = (h + stride - 1) / stride, ow = (wd + stride - 1) / stride
        let padTop = max((oh - 1) * stride + k - h, 0) / 2, padLeft = max((ow - 1) * stride + k - wd, 0) / 2
        var out = [Float](repeating: 0, count: n * oh * ow * c)
        let xs = x.scalars, ws = w.scalars
        for b in 0..<n { for i in 0..<oh { for j in 0..<ow { for ch in 0..<c {
            var s = bias?.scalars[ch] ?? 0
            for u in 0..<k { for v in 0..<k {
                let (y0, x0) = (i * stride - padTop + u, j * stride - padLeft + v)
                if y0 >= 0 && y0 < h && x0 >= 0 && x0 < wd { s += xs[((b * h + y0) * wd + x0) * c + ch] * ws[(u * k + v) * c + ch] }
            } }
            out[((b * oh + i) * ow + j) * c + ch] = s
        } } } }
        return Tensor(shape: [n, oh, ow, c], scalars: out)
    }

    func testDepthwiseMatchesTheDefinitionAndClamps() {
        // 36 channels: not a multiple of the vector width, so the vectorised loops' remainders run too.
        for (kernel, stride) in [(3, 1), (5, 2), (3, 2)] {
            let x = randomTensor([2, 11, 11, 36], seed: 5, range: -2...2)
            let w = randomTensor([kernel, kernel, 36], seed: 6)
            let b = randomTensor([36], seed: 7)
            let expected = naiveDepthwise(x, w, bias: b, stride: stride)
            assertClose(x.depthwiseConv2d(w, bias: b, stride: stride, padding: .same), expected, atol: 1e-5, rtol: 1e-5, "depthwise k\(kernel) s\(stride)")
            assertClose(x.depthwiseConv2d(w, stride: stride, padding: .same), naiveDepthwise(x, w, bias: nil, stride: stride), atol: 1e-5, rtol: 1e-5)
            let fused = x.fusedDepthwiseConv2d(w, bias: b, stride: stride, padding: .same, clamp: 0...1)
            assertClose(fused, reference(expected, residual: nil, clamp: 0...1), atol: 1e-5, rtol: 1e-5, "fused depthwise k\(kernel) s\(stride)")
            XCTAssertTrue(fused.scalars.contains(0) && fused.scalars.contains(1), "clamp edges untested")
        }
    }
}
