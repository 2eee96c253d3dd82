/// An 8-bit RGB image, row-major, interleaved: `pixels[(y * width + x) * 3 + c]` (HWC).
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// The bytes, `width * height * 3` of them, 0...255 per channel: `[(y * width + x) * 3 + c]`, c = 0 (R), 1 (G), 2 (B).
    public var pixels: [UInt8]

    /// Wraps `pixels` (row-major interleaved RGB, exactly `width * height * 3` bytes; checked by a precondition).
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGBImage: \(pixels.count) bytes for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A black image.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
    }

    /// Writes the pixels scaled to 0...1 as floats (HWC) into `out`.
    public func writeFloats(into out: UnsafeMutablePointer<Float>) {
        pixels.withUnsafeBufferPointer { src in
            for i in 0..<src.count { out[i] = Float(src[i]) * (1 / 255) }
        }
    }
}
