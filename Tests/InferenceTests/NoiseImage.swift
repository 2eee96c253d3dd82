import Imaging

/// A `w` x `h` image of seeded pseudo-random bytes (a 64-bit LCG), the same for the same seed: inputs for detector tests.
func noiseImage(_ w: Int, _ h: Int, seed: UInt64) -> RGBImage {
    var state = seed
    return RGBImage(width: w, height: h, pixels: (0..<(w * h * 3)).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 33)
    })
}
