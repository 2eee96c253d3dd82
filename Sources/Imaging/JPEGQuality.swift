import Foundation

/// Estimates the IJG quality setting (1...100) a JPEG was saved with, from its luminance
/// quantisation table: the quality whose scaled standard table is closest. Used to warn when the
/// classes of a dataset were saved differently (a shortcut a detector could learn).
public enum JPEGQuality {
    /// The IJG (libjpeg) standard luminance table (Annex K of ITU T.81).
    static let standardLuminance: [Int] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ]

    /// The luminance table libjpeg writes at `quality` (as a multiset; order does not matter here).
    static func table(quality q: Int) -> [Int] {
        let scale = q < 50 ? 5000 / q : 200 - 2 * q
        return standardLuminance.map { min(255, max(1, ($0 * scale + 50) / 100)) }
    }

    /// (quality, exact) for the first quantisation table, or nil for a non-JPEG or one without DQT.
    /// `exact` is true when the table is exactly libjpeg's at that quality.
    public static func estimate(_ data: Data) -> (quality: Int, exact: Bool)? {
        var luminance: [Int]?
        JPEGSegments.forEach(data) { marker, payload in
            guard marker == 0xDB, let first = payload.first else { return true }
            let precision16 = first >> 4 == 1, id = first & 0x0F
            let needed = 1 + 64 * (precision16 ? 2 : 1)
            guard payload.count >= needed, id == 0 else { return true }
            let base = payload.startIndex + 1
            luminance = (0..<64).map { i in
                precision16 ? Int(payload[base + 2 * i]) << 8 | Int(payload[base + 2 * i + 1]) : Int(payload[base + i])
            }
            return false
        }
        guard let observed = luminance else { return nil }
        let sortedObserved = observed.sorted(), observedSum = observed.reduce(0, +)
        var best = (quality: 50, distance: Int.max)
        for q in 1...100 {
            let t = table(quality: q)
            let d = abs(t.reduce(0, +) - observedSum)
            if d < best.distance { best = (q, d) }
        }
        return (best.quality, table(quality: best.quality).sorted() == sortedObserved)
    }
}
