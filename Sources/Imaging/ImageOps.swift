import Foundation

/// Geometric and filtering operations on 8-bit RGB images.
extension RGBImage {
    /// The pixel at (x, y), channel c.
    @inline(__always)
    public func value(_ x: Int, _ y: Int, _ c: Int) -> UInt8 { pixels[(y * width + x) * 3 + c] }

    /// Mirror left-right.
    public func flippedHorizontally() -> RGBImage {
        var out = pixels
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 { out[(y * width + x) * 3 + c] = pixels[(y * width + (width - 1 - x)) * 3 + c] }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// Mirror top-bottom.
    public func flippedVertically() -> RGBImage {
        var out = pixels
        let row = width * 3
        for y in 0..<height { out[(y * row)..<((y + 1) * row)] = pixels[((height - 1 - y) * row)..<((height - y) * row)] }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// Rotated counter-clockwise by 90° `times` times.
    public func rotated90(times: Int) -> RGBImage {
        var img = self
        for _ in 0..<(((times % 4) + 4) % 4) {
            var out = [UInt8](repeating: 0, count: img.pixels.count)
            let (w, h) = (img.width, img.height)
            // New image is h wide, w high: new(x', y') = old(w - 1 - y', x').
            for ny in 0..<w {
                for nx in 0..<h {
                    for c in 0..<3 { out[(ny * h + nx) * 3 + c] = img.pixels[(nx * w + (w - 1 - ny)) * 3 + c] }
                }
            }
            img = RGBImage(width: h, height: w, pixels: out)
        }
        return img
    }

    /// The `w` x `h` region whose top-left corner is (x, y); parts outside the image are black.
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> RGBImage {
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for ny in 0..<h {
            let sy = y + ny
            guard sy >= 0 && sy < height else { continue }
            for nx in 0..<w {
                let sx = x + nx
                guard sx >= 0 && sx < width else { continue }
                for c in 0..<3 { out[(ny * w + nx) * 3 + c] = pixels[(sy * width + sx) * 3 + c] }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }

    /// Black border of `p` pixels on every side.
    public func padded(_ p: Int) -> RGBImage { cropped(x: -p, y: -p, width: width + 2 * p, height: height + 2 * p) }
}

/// A resampling filter.
public enum ResizeFilter: String, Sendable, CaseIterable {
    /// Box filter: the average of the covered source area (best for large reductions).
    case area
    /// Triangle filter, widened when shrinking so it antialiases (Pillow's BILINEAR).
    case bilinear
    /// Lanczos, a = 3, widened when shrinking (Pillow's LANCZOS).
    case lanczos

    var support: Double {
        switch self { case .area: return 0.5; case .bilinear: return 1; case .lanczos: return 3 }
    }

    func weight(_ x: Double) -> Double {
        let ax = abs(x)
        switch self {
        case .area: return ax < 0.5 ? 1 : (ax == 0.5 ? 0.5 : 0)
        case .bilinear: return max(0, 1 - ax)
        case .lanczos:
            if ax < 1e-9 { return 1 }
            guard ax < 3 else { return 0 }
            let px = Double.pi * x
            return 3 * sin(px) * sin(px / 3) / (px * px)
        }
    }
}

extension RGBImage {
    /// Resized to `w` x `h` with a separable antialiasing filter (the kernel is stretched by the
    /// reduction factor when shrinking, as Pillow does).
    public func resized(width w: Int, height h: Int, filter: ResizeFilter = .bilinear) -> RGBImage {
        precondition(w > 0 && h > 0, "resize to \(w)x\(h)")
        if w == width && h == height { return self }
        let horizontal = Self.coefficients(input: width, output: w, filter: filter)
        let vertical = Self.coefficients(input: height, output: h, filter: filter)
        // Pass 1: rows (height x w), in floats.
        var tmp = [Float](repeating: 0, count: height * w * 3)
        var out = [UInt8](repeating: 0, count: w * h * 3)
        pixels.withUnsafeBufferPointer { src in
            tmp.withUnsafeMutableBufferPointer { t in
                for y in 0..<height {
                    let row = src.baseAddress! + y * width * 3, trow = t.baseAddress! + y * w * 3
                    for (ox, taps) in horizontal.enumerated() {
                        var a0: Float = 0, a1: Float = 0, a2: Float = 0
                        for (sx, wt) in taps {
                            let p = row + sx * 3
                            a0 += wt * Float(p[0]); a1 += wt * Float(p[1]); a2 += wt * Float(p[2])
                        }
                        trow[ox * 3] = a0; trow[ox * 3 + 1] = a1; trow[ox * 3 + 2] = a2
                    }
                }
                // Pass 2: columns.
                out.withUnsafeMutableBufferPointer { o in
                    for (oy, taps) in vertical.enumerated() {
                        let orow = o.baseAddress! + oy * w * 3
                        for i in 0..<(w * 3) {
                            var acc: Float = 0
                            for (sy, wt) in taps { acc += wt * t[sy * w * 3 + i] }
                            orow[i] = Self.byte(acc)
                        }
                    }
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }

    /// A float sample rounded to the nearest byte (clamped), without a libm call.
    @inline(__always)
    static func byte(_ v: Float) -> UInt8 { UInt8(Swift.min(255, Swift.max(0, v)) + 0.5) }

    /// For each output sample: (source index, normalised weight) taps.
    static func coefficients(input: Int, output: Int, filter: ResizeFilter) -> [[(Int, Float)]] {
        let scale = Double(input) / Double(output)
        let stretch = max(scale, 1)
        let support = filter.support * stretch
        return (0..<output).map { o in
            let center = (Double(o) + 0.5) * scale
            let lo = max(0, Int((center - support).rounded(.down))), hi = min(input, Int((center + support).rounded(.up)))
            var taps: [(Int, Double)] = []
            for s in lo..<hi {
                let wt = filter.weight((Double(s) + 0.5 - center) / stretch)
                if wt != 0 { taps.append((s, wt)) }
            }
            if taps.isEmpty { taps = [(min(input - 1, max(0, Int(center))), 1)] }
            let total = taps.reduce(0) { $0 + $1.1 }
            return taps.map { ($0.0, Float($0.1 / total)) }
        }
    }

    /// Gaussian blur with standard deviation `sigma` pixels (separable, edges clamped).
    public func blurred(sigma: Double) -> RGBImage {
        guard sigma > 0 else { return self }
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        let taps = 2 * radius + 1, rowLen = width * 3
        var tmp = [Float](repeating: 0, count: pixels.count)
        var out = [UInt8](repeating: 0, count: pixels.count)
        var padded = [Float](repeating: 0, count: (width + 2 * radius) * 3)
        var acc = [Float](repeating: 0, count: rowLen)
        pixels.withUnsafeBufferPointer { src in
            tmp.withUnsafeMutableBufferPointer { t in
                padded.withUnsafeMutableBufferPointer { pad in
                    // Horizontal: each row copied with clamped borders, then shifted multiply-adds (vectorised).
                    for y in 0..<height {
                        let row = src.baseAddress! + y * rowLen
                        for px in 0..<(width + 2 * radius) {
                            let sx = min(width - 1, max(0, px - radius))
                            for c in 0..<3 { pad[px * 3 + c] = Float(row[sx * 3 + c]) }
                        }
                        let dst = t.baseAddress! + y * rowLen
                        dst.initialize(repeating: 0, count: rowLen)
                        for k in 0..<taps {
                            let wt = kernel[k], shifted = pad.baseAddress! + k * 3
                            for i in 0..<rowLen { dst[i] += wt * shifted[i] }
                        }
                    }
                }
                // Vertical: whole rows of clamped neighbours, accumulated (vectorised).
                acc.withUnsafeMutableBufferPointer { a in
                    out.withUnsafeMutableBufferPointer { o in
                        for y in 0..<height {
                            a.baseAddress!.initialize(repeating: 0, count: rowLen)
                            for k in 0..<taps {
                                let wt = kernel[k], srcRow = t.baseAddress! + min(height - 1, max(0, y + k - radius)) * rowLen
                                for i in 0..<rowLen { a[i] += wt * srcRow[i] }
                            }
                            for i in 0..<rowLen { o[y * rowLen + i] = Self.byte(a[i]) }
                        }
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
