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
        for y in 0..<height {
            for (ox, taps) in horizontal.enumerated() {
                var acc: (Float, Float, Float) = (0, 0, 0)
                for (sx, wt) in taps {
                    let i = (y * width + sx) * 3
                    acc.0 += wt * Float(pixels[i]); acc.1 += wt * Float(pixels[i + 1]); acc.2 += wt * Float(pixels[i + 2])
                }
                let o = (y * w + ox) * 3
                tmp[o] = acc.0; tmp[o + 1] = acc.1; tmp[o + 2] = acc.2
            }
        }
        // Pass 2: columns.
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for (oy, taps) in vertical.enumerated() {
            for x in 0..<w {
                for c in 0..<3 {
                    var acc: Float = 0
                    for (sy, wt) in taps { acc += wt * tmp[(sy * w + x) * 3 + c] }
                    out[(oy * w + x) * 3 + c] = UInt8(max(0, min(255, acc.rounded())))
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }

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
        var tmp = [Float](repeating: 0, count: pixels.count)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    var acc: Float = 0
                    for k in -radius...radius {
                        let sx = min(width - 1, max(0, x + k))
                        acc += kernel[k + radius] * Float(pixels[(y * width + sx) * 3 + c])
                    }
                    tmp[(y * width + x) * 3 + c] = acc
                }
            }
        }
        var out = pixels
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    var acc: Float = 0
                    for k in -radius...radius {
                        let sy = min(height - 1, max(0, y + k))
                        acc += kernel[k + radius] * tmp[(sy * width + x) * 3 + c]
                    }
                    out[(y * width + x) * 3 + c] = UInt8(max(0, min(255, acc.rounded())))
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
