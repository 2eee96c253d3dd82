import Foundation
import XCTest

/// Good and hostile image files for the "one bad file must not hurt the next" tests (issue #30).
///
/// The good files are CIFAKE sample JPEGs plus the decoder golden fixtures (greyscale, CMYK, EXIF-rotated JPEG;
/// 8/16-bit, palette and alpha PNGs). The hostile ones are made here from them, each aimed at a different
/// failure point of libjpeg-turbo or libpng: empty, text, random bytes, random bytes behind a JPEG SOI, a
/// truncated JPEG, a JPEG whose SOF claims 65535x65535 pixels, a JPEG with a broken Huffman table, a truncated
/// PNG, a PNG with a bad CRC, a PNG whose header claims 100000x100000 pixels, and one whose chunk claims 2 GB.
public enum HostileCorpus {
    /// `Tests/Fixtures` of this repository.
    public static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// The good files as (name, bytes): five REAL and five FAKE sample JPEGs, then the golden fixtures.
    public static func good(file: StaticString = #filePath, line: UInt = #line) throws -> [(name: String, data: Data)] {
        var out: [(String, Data)] = []
        let sample = sharedDataURL("cifake/sample", file: file, line: line)
        for (label, names) in [("REAL", realNames), ("FAKE", fakeNames)] {
            for name in names { out.append(("\(label)-\(name)", try Data(contentsOf: sample.appendingPathComponent("\(label)/\(name)")))) }
        }
        let images = fixtures.appendingPathComponent("images")
        for name in try FileManager.default.contentsOfDirectory(atPath: images.path).sorted() where !name.hasSuffix(".json") {
            out.append((name, try Data(contentsOf: images.appendingPathComponent(name))))
        }
        return out
    }

    /// The REAL sample JPEGs the issue names.
    public static let realNames = ["0084_5.jpg", "0511_6.jpg", "0922_8.jpg", "0972.jpg", "1079_7.jpg"]
    /// Five FAKE sample JPEGs.
    public static let fakeNames = ["1379_10.jpg", "1878_3.jpg", "1996_8.jpg", "2178_7.jpg", "2225_6.jpg"]

    /// The hostile files as (name, bytes), made from `jpeg` (a valid baseline JPEG) and `png` (a valid PNG).
    public static func hostile(jpeg: Data, png: Data) -> [(name: String, data: Data)] {
        var rng = SplitMix(seed: 30)
        let random = Data((0..<3000).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        var out: [(String, Data)] = [
            ("empty.jpg", Data()),
            ("text.png", Data("this is not an image, only text\n".utf8)),
            ("random.jpg", random),
            ("soi-then-random.jpg", Data([0xFF, 0xD8, 0xFF]) + random),
            ("truncated.jpg", jpeg.prefix(600)),
            ("truncated-late.jpg", jpeg.prefix(jpeg.count - 40)),
            ("huge-sof.jpg", patched(jpeg, marker: [0xFF, 0xC0], offset: 5, bytes: [0xFF, 0xFF, 0xFF, 0xFF])),
            ("bad-huffman.jpg", patched(jpeg, marker: [0xFF, 0xC4], offset: 4, bytes: [0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])),
            ("no-eoi-garbage.jpg", jpeg.prefix(jpeg.count / 2) + random.prefix(200)),
            ("truncated.png", png.prefix(png.count / 2)),
            ("huge-ihdr.png", patched(png, marker: Array("IHDR".utf8), offset: 4, bytes: [0x00, 0x01, 0x86, 0xA0, 0x00, 0x01, 0x86, 0xA0])),
            // 105 bytes whose second chunk claims 2 GB: libpng allocated the claim before reading it.
            ("huge-chunk.png", png.prefix(33) + Data([0x7F, 0xFF, 0xFF, 0xF0]) + Data("tEXt".utf8) + random.prefix(64)),
        ]
        var crc = png
        crc[crc.count - 20] ^= 0xFF
        out.append(("bad-crc.png", crc))
        return out
    }

    /// `data` with `bytes` written `offset` bytes after the first occurrence of `marker`.
    static func patched(_ data: Data, marker: [UInt8], offset: Int, bytes: [UInt8]) -> Data {
        var out = data
        guard let r = data.range(of: Data(marker)) else { return out }
        for (i, b) in bytes.enumerated() where r.lowerBound + offset + i < out.count { out[r.lowerBound + offset + i] = b }
        return out
    }

    /// Writes the folder: `REAL/` with five sample JPEGs, `empty.jpg`, `text.png` and a directory `dir.jpg`;
    /// `FAKE/` with five sample JPEGs, `truncated.jpg`, `random.jpg` and the other hostile files. Returns the good
    /// files' paths relative to `root`.
    @discardableResult
    public static func writeFolder(_ root: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let fm = FileManager.default
        let sample = sharedDataURL("cifake/sample", file: file, line: line)
        var goodPaths: [String] = []
        for (label, names) in [("REAL", realNames), ("FAKE", fakeNames)] {
            try fm.createDirectory(at: root.appendingPathComponent(label), withIntermediateDirectories: true)
            for name in names {
                try fm.copyItem(at: sample.appendingPathComponent("\(label)/\(name)"), to: root.appendingPathComponent("\(label)/\(name)"))
                goodPaths.append("\(label)/\(name)")
            }
        }
        let jpeg = try Data(contentsOf: sample.appendingPathComponent("REAL/\(realNames[0])"))
        let png = try Data(contentsOf: fixtures.appendingPathComponent("images/png_rgb8.png"))
        for (i, bad) in hostile(jpeg: jpeg, png: png).enumerated() {
            let label = ["empty.jpg", "text.png"].contains(bad.name) ? "REAL" : (i % 2 == 0 ? "FAKE" : "REAL")
            try bad.data.write(to: root.appendingPathComponent("\(label)/\(bad.name)"))
        }
        try fm.createDirectory(at: root.appendingPathComponent("REAL/dir.jpg"), withIntermediateDirectories: true)
        return goodPaths.sorted()
    }

    /// Names of the hostile files `writeFolder` writes (every one must be reported, none counted as an image).
    public static let hostileNames: Set<String> = [
        "empty.jpg", "text.png", "random.jpg", "soi-then-random.jpg", "truncated.jpg", "truncated-late.jpg", "huge-sof.jpg",
        "bad-huffman.jpg", "no-eoi-garbage.jpg", "truncated.png", "huge-ihdr.png", "bad-crc.png", "huge-chunk.png", "dir.jpg",
    ]
}

/// A small seeded generator for test data (SplitMix64).
public struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
