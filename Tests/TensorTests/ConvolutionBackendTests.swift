import Dispatch
import Tensor
import TestSupport
import XCTest

/// Every convolution backend against the definition (plain loops, no backend involved): forward with bias,
/// residual and clamp, input gradient, filter and bias gradients, on the odd shapes the fast paths special-case.
final class ConvolutionBackendTests: XCTestCase {
    struct Case: CustomStringConvertible {
        var batch: Int, size: (h: Int, w: Int), inC: Int, outC: Int, kernel: (h: Int, w: Int), stride: Int, padding: Padding
        var description: String { "n\(batch) \(size.h)x\(size.w) \(inC)->\(outC) k\(kernel.h)x\(kernel.w) s\(stride) \(padding)" }

        var geometry: ConvGeometry {
            let v = padding.resolve(input: size.h, kernel: kernel.h, stride: stride, vertical: true)
            let h = padding.resolve(input: size.w, kernel: kernel.w, stride: stride, vertical: false)
            return ConvGeometry(batch: batch, inH: size.h, inW: size.w, inC: inC, outH: v.output, outW: h.output, outC: outC,
                                kernelH: kernel.h, kernelW: kernel.w, stride: stride, padTop: v.before, padLeft: h.before)
        }
    }

    /// 1x1 (pointwise and strided), stride 2 with Keras' asymmetric 'same', explicit asymmetric padding, a 4x4
    /// PatchGAN-like filter, non-square kernels and images, channel counts not divisible by 8 or 16, batches of
    /// 1 (oneDNN's own threads) and odd sizes (unequal parts when split over workers).
    static let cases: [Case] = [
        Case(batch: 3, size: (7, 7), inC: 13, outC: 17, kernel: (1, 1), stride: 1, padding: .valid),
        Case(batch: 2, size: (8, 8), inC: 16, outC: 32, kernel: (1, 1), stride: 2, padding: .valid),
        Case(batch: 5, size: (8, 8), inC: 3, outC: 16, kernel: (3, 3), stride: 2, padding: .same),
        Case(batch: 1, size: (9, 9), inC: 5, outC: 7, kernel: (3, 3), stride: 1, padding: .same),
        Case(batch: 4, size: (10, 9), inC: 33, outC: 9, kernel: (3, 3), stride: 1, padding: .explicit(top: 2, bottom: 0, left: 1, right: 2)),
        Case(batch: 3, size: (9, 9), inC: 24, outC: 40, kernel: (4, 4), stride: 2, padding: .symmetric(1)),
        Case(batch: 2, size: (6, 11), inC: 8, outC: 12, kernel: (2, 5), stride: 1, padding: .valid),
        Case(batch: 3, size: (5, 5), inC: 64, outC: 1, kernel: (4, 4), stride: 1, padding: .symmetric(1)),
        Case(batch: 2, size: (6, 6), inC: 20, outC: 24, kernel: (4, 4), stride: 1, padding: .valid),
    ]

    // MARK: The definition

    static func forward(_ g: ConvGeometry, _ x: [Float], _ w: [Float], _ b: [Float]?) -> [Float] {
        var y = [Float](repeating: 0, count: g.batch * g.outPixels * g.outC)
        for n in 0..<g.batch { for oh in 0..<g.outH { for ow in 0..<g.outW { for co in 0..<g.outC {
            var s = Double(b?[co] ?? 0)
            for kh in 0..<g.kernelH { for kw in 0..<g.kernelW {
                let ih = oh * g.stride - g.padTop + kh, iw = ow * g.stride - g.padLeft + kw
                guard ih >= 0, ih < g.inH, iw >= 0, iw < g.inW else { continue }
                for ci in 0..<g.inC {
                    s += Double(x[((n * g.inH + ih) * g.inW + iw) * g.inC + ci]) * Double(w[((kh * g.kernelW + kw) * g.inC + ci) * g.outC + co])
                }
            } }
            y[((n * g.outH + oh) * g.outW + ow) * g.outC + co] = Float(s)
        } } } }
        return y
    }

    /// (dx, dw, db) of sum(y * dy).
    static func backward(_ g: ConvGeometry, _ x: [Float], _ w: [Float], _ dy: [Float]) -> ([Float], [Float], [Float]) {
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count), db = [Double](repeating: 0, count: g.outC)
        for n in 0..<g.batch { for oh in 0..<g.outH { for ow in 0..<g.outW { for co in 0..<g.outC {
            let d = Double(dy[((n * g.outH + oh) * g.outW + ow) * g.outC + co])
            db[co] += d
            for kh in 0..<g.kernelH { for kw in 0..<g.kernelW {
                let ih = oh * g.stride - g.padTop + kh, iw = ow * g.stride - g.padLeft + kw
                guard ih >= 0, ih < g.inH, iw >= 0, iw < g.inW else { continue }
                for ci in 0..<g.inC {
                    let xi = ((n * g.inH + ih) * g.inW + iw) * g.inC + ci, wi = ((kh * g.kernelW + kw) * g.inC + ci) * g.outC + co
                    dx[xi] += Double(w[wi]) * d
                    dw[wi] += Double(x[xi]) * d
                }
            } }
        } } } }
        return (dx.map(Float.init), dw.map(Float.init), db.map(Float.init))
    }

    // MARK: Checks

    /// Equal counts and every element within `tolerance`.
    func assertNear(_ a: [Float], _ e: [Float], tolerance: Float, _ message: String, file: StaticString, line: UInt) {
        XCTAssertEqual(a.count, e.count, message, file: file, line: line)
        let worst = zip(a, e).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, message, file: file, line: line)
    }

    func check(_ backend: any ConvolutionBackend, _ c: Case, file: StaticString = #filePath, line: UInt = #line) {
        let g = c.geometry
        let x = randomTensor([g.batch, g.inH, g.inW, g.inC], seed: 11).scalars
        let w = randomTensor([g.kernelH, g.kernelW, g.inC, g.outC], seed: 12).scalars
        let b = randomTensor([g.outC], seed: 13).scalars
        let dy = randomTensor([g.batch, g.outH, g.outW, g.outC], seed: 14).scalars
        let residual = randomTensor([g.batch, g.outH, g.outW, g.outC], seed: 15, range: -2...2).scalars
        let tolerance: Float = 2e-4 * Float(g.patchSize).squareRoot()
        func close(_ a: [Float], _ e: [Float], _ what: String) {
            assertNear(a, e, tolerance: tolerance, "\(what) \(c) (\(type(of: backend)))", file: file, line: line)
        }

        let plain = Self.forward(g, x, w, nil), biased = Self.forward(g, x, w, b)
        var y = [Float](repeating: .nan, count: plain.count)
        backend.forward(g, x: x, w: w, bias: nil, y: &y)
        close(y, plain, "forward")
        backend.forward(g, x: x, w: w, bias: b, y: &y)
        close(y, biased, "forward + bias")
        residual.withUnsafeBufferPointer { r in
            backend.forward(g, x: x, w: w, bias: b, y: &y, epilogue: ConvEpilogue(residual: r.baseAddress, clamp: -0.5...1.5))
        }
        close(y, zip(biased, residual).map { min(max($0 + $1, -0.5), 1.5) }, "forward + bias + residual, clamped")
        backend.forward(g, x: x, w: w, bias: nil, y: &y, epilogue: ConvEpilogue(residual: nil, clamp: 0...6))
        close(y, plain.map { min(max($0, 0), 6) }, "forward, ReLU6")

        let (dx, dw, db) = Self.backward(g, x, w, dy)
        var gotDX = [Float](repeating: .nan, count: x.count), gotDW = [Float](repeating: .nan, count: w.count)
        var gotDB = [Float](repeating: .nan, count: g.outC)
        backend.backwardData(g, dy: dy, w: w, dx: &gotDX)
        close(gotDX, dx, "input gradient")
        backend.backwardFilter(g, x: x, dy: dy, dw: &gotDW, dbias: &gotDB)
        close(gotDW, dw, "filter gradient")
        close(gotDB, db, "bias gradient")
        gotDW = [Float](repeating: .nan, count: w.count)
        backend.backwardFilter(g, x: x, dy: dy, dw: &gotDW, dbias: nil)
        close(gotDW, dw, "filter gradient without bias")
    }

    func testIm2colMatchesTheDefinition() {
        for c in Self.cases { check(Im2colConvolution(), c) }
    }

    func testOneDNNMatchesTheDefinition() throws {
        let backend = try XCTUnwrap(OneDNNConvolution(), "oneDNN did not start")
        for c in Self.cases { check(backend, c) }
    }

    func testOneDNNOnOneAndThreeWorkers() throws {
        let backend = try XCTUnwrap(OneDNNConvolution())
        let saved = Parallel.threadCount
        defer { Parallel.setThreadCount(saved) }
        for threads in [1, 3] {
            Parallel.setThreadCount(threads)
            for c in Self.cases { check(backend, c) }
        }
    }

    func testTheDefaultRoutesEachShape() throws {
        let routed = ShapeRoutedConvolution()
        XCTAssertTrue(routed.fast is OneDNNConvolution, "the default should run on oneDNN")
        XCTAssertTrue(Kernels.convolution is ShapeRoutedConvolution)
        for c in Self.cases { check(routed, c) }
        XCTAssertTrue(ShapeRoutedConvolution.prefersIm2colBackwardData(Self.cases[2].geometry))
        XCTAssertFalse(ShapeRoutedConvolution.prefersIm2colBackwardData(Self.cases[0].geometry))
        XCTAssertTrue(ShapeRoutedConvolution.prefersIm2col(Self.cases[8].geometry))  // 3x3 outputs
        XCTAssertFalse(ShapeRoutedConvolution.prefersIm2col(Self.cases[1].geometry))  // 4x4 outputs
        XCTAssertFalse(ShapeRoutedConvolution.prefersIm2col(Self.cases[0].geometry))
        // The implementation oneDNN picks is a JIT kernel, not its reference loops (which would be a silent 50x slowdown).
        let backend = try XCTUnwrap(routed.fast as? OneDNNConvolution)
        let impl = try backend.implementation(Self.cases[4].geometry, pass: .forward)
        XCTAssertFalse(impl.contains("ref"), impl)
    }

    /// Serve's batcher and the data loaders may convolve from several threads at once.
    func testOneDNNFromManyThreadsAtOnce() throws {
        let backend = try XCTUnwrap(OneDNNConvolution())
        let c = Self.cases[4], g = c.geometry
        let x = randomTensor([g.batch, g.inH, g.inW, g.inC], seed: 21).scalars
        let w = randomTensor([g.kernelH, g.kernelW, g.inC, g.outC], seed: 22).scalars
        var expected = [Float](repeating: 0, count: g.batch * g.outPixels * g.outC)
        backend.forward(g, x: x, w: w, bias: nil, y: &expected)
        let results = Parallel.map(16, workers: 8) { _ -> [Float] in
            var y = [Float](repeating: 0, count: expected.count)
            backend.forward(g, x: x, w: w, bias: nil, y: &y)
            return y
        }
        for y in results { XCTAssertEqual(y, expected) }
    }

    // MARK: Depthwise

    /// Depthwise cases: 3x3 and 5x5, stride 1 and 2 with Keras' asymmetric 'same', channel counts 7, 16 and 33, batch 1 and odd.
    static let depthwiseCases: [Case] = [
        Case(batch: 3, size: (8, 8), inC: 16, outC: 16, kernel: (3, 3), stride: 1, padding: .same),
        Case(batch: 1, size: (9, 9), inC: 7, outC: 7, kernel: (3, 3), stride: 2, padding: .same),
        Case(batch: 5, size: (8, 8), inC: 33, outC: 33, kernel: (5, 5), stride: 2, padding: .same),
        Case(batch: 2, size: (6, 7), inC: 16, outC: 16, kernel: (5, 5), stride: 1, padding: .explicit(top: 2, bottom: 2, left: 1, right: 3)),
    ]

    /// The depthwise filter `[KH, KW, C]` as the full filter it equals: zero off the diagonal.
    static func fullFilter(_ w: [Float], _ g: ConvGeometry) -> [Float] {
        var full = [Float](repeating: 0, count: g.kernelH * g.kernelW * g.inC * g.inC)
        for t in 0..<(g.kernelH * g.kernelW) { for c in 0..<g.inC { full[(t * g.inC + c) * g.inC + c] = w[t * g.inC + c] } }
        return full
    }

    func checkDepthwise(_ backend: any ConvolutionBackend, _ c: Case, file: StaticString = #filePath, line: UInt = #line) {
        let g = c.geometry, taps = g.kernelH * g.kernelW
        let x = randomTensor([g.batch, g.inH, g.inW, g.inC], seed: 31).scalars
        let w = randomTensor([g.kernelH, g.kernelW, g.inC], seed: 32).scalars
        let b = randomTensor([g.inC], seed: 33).scalars
        let dy = randomTensor([g.batch, g.outH, g.outW, g.outC], seed: 34).scalars
        let full = Self.fullFilter(w, g)
        func close(_ a: [Float], _ e: [Float], _ what: String) {
            assertNear(a, e, tolerance: 1e-4, "depthwise \(what) \(c) (\(type(of: backend)))", file: file, line: line)
        }
        var y = [Float](repeating: .nan, count: g.batch * g.outPixels * g.outC)
        backend.depthwiseForward(g, x: x, w: w, bias: b, y: &y, clamp: nil)
        let expected = Self.forward(g, x, full, b)
        close(y, expected, "forward + bias")
        backend.depthwiseForward(g, x: x, w: w, bias: nil, y: &y, clamp: 0...0.5)
        close(y, Self.forward(g, x, full, nil).map { min(max($0, 0), 0.5) }, "forward, clamped")
        let (dx, dwFull, db) = Self.backward(g, x, full, dy)
        let dw = (0..<(taps * g.inC)).map { i in dwFull[i * g.inC + i % g.inC] }
        var gotDX = [Float](repeating: .nan, count: x.count), gotDW = [Float](repeating: .nan, count: w.count)
        var gotDB = [Float](repeating: .nan, count: g.inC)
        backend.depthwiseBackwardData(g, dy: dy, w: w, dx: &gotDX)
        close(gotDX, dx, "input gradient")
        backend.depthwiseBackwardFilter(g, x: x, dy: dy, dw: &gotDW, dbias: &gotDB)
        close(gotDW, dw, "filter gradient")
        close(gotDB, db, "bias gradient")
    }

    func testDepthwiseOnEveryBackend() throws {
        let backends: [any ConvolutionBackend] = [Im2colConvolution(), try XCTUnwrap(OneDNNConvolution()), ShapeRoutedConvolution()]
        for backend in backends { for c in Self.depthwiseCases { checkDepthwise(backend, c) } }
        // The routed backend sends some of these passes to each side.
        XCTAssertTrue(ShapeRoutedConvolution.prefersOwnDepthwiseBackwardData(Self.depthwiseCases[1].geometry))
        XCTAssertFalse(ShapeRoutedConvolution.prefersOwnDepthwiseBackwardData(Self.depthwiseCases[0].geometry))
        XCTAssertTrue(ShapeRoutedConvolution.prefersOwnDepthwiseBackwardFilter(Self.depthwiseCases[2].geometry))
        XCTAssertFalse(ShapeRoutedConvolution.prefersOwnDepthwiseBackwardFilter(Self.depthwiseCases[0].geometry))
        let saved = Parallel.threadCount
        defer { Parallel.setThreadCount(saved) }
        Parallel.setThreadCount(3)
        for c in Self.depthwiseCases { checkDepthwise(try XCTUnwrap(OneDNNConvolution()), c) }
    }
}
