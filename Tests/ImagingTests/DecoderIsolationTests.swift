import Foundation
import Imaging
import TestSupport
import XCTest

/// A bad file must leave nothing behind for the next image decoded on the same thread (issue #30: a JPEG whose
/// SOF claimed 65535x65535 px made later valid JPEGs fail with "two SOI markers" until the process restarted).
final class DecoderIsolationTests: XCTestCase {
    private func corpus() throws -> (good: [(name: String, data: Data)], bad: [(name: String, data: Data)], alone: [String: RGBImage]) {
        let good = try HostileCorpus.good()
        let jpeg = try XCTUnwrap(good.first { $0.name.hasPrefix("REAL-") }).data
        let png = try XCTUnwrap(good.first { $0.name == "png_rgb8.png" }).data
        let bad = HostileCorpus.hostile(jpeg: jpeg, png: png)
        // Reference pixels: each good file decoded on a thread that has decoded nothing bad.
        var alone: [String: RGBImage] = [:]
        for g in good { alone[g.name] = try ImageDecoder.decode(g.data, path: g.name) }
        return (good, bad, alone)
    }

    func testEveryBadFileFailsWithANamedError() throws {
        let (_, bad, _) = try corpus()
        for b in bad {
            XCTAssertThrowsError(try ImageDecoder.decode(b.data, path: b.name), b.name) { error in
                XCTAssertTrue("\(error)".hasPrefix(b.name), "\(b.name): \(error)")
            }
        }
    }

    /// libpng allocates a chunk's claimed length before reading it: a 105-byte PNG claiming a 2 GB chunk cost 2 GB and
    /// five seconds. The claim is checked against the bytes there, for decoding and for the header-only size probe.
    func testAChunkClaimingMoreBytesThanTheFileIsRefusedBeforeLibpng() throws {
        let (_, bad, _) = try corpus()
        let file = try XCTUnwrap(bad.first { $0.name == "huge-chunk.png" })
        XCTAssertEqual(file.data.count, 105)
        for attempt in [{ _ = try ImageDecoder.decode(file.data, path: file.name) }, { _ = try ImageDecoder.dimensions(of: file.data, path: file.name) }] {
            XCTAssertThrowsError(try attempt()) { error in
                XCTAssertEqual("\(error)", "huge-chunk.png: corrupt image: chunk tEXt claims 2147483632 bytes, past the end of the file")
            }
        }
        // Bytes after IEND stay ignored, and text chunks are still dropped from a valid file.
        let png = try PNGCodec.encode(RGBImage(width: 3, height: 2, pixels: Array(0..<18)))
        XCTAssertEqual(try PNGCodec.decode(png + Data(repeating: 0xFF, count: 40)).pixels, Array(0..<18))
    }

    /// Every (bad, good) pair in both orders, then seeded shuffles of the whole mix, all on this one thread.
    func testGoodImagesDecodeTheSameAfterAnyBadFile() throws {
        let (good, bad, alone) = try corpus()
        for b in bad {
            for g in good {
                _ = try? ImageDecoder.decode(b.data, path: b.name)
                let image = try ImageDecoder.decode(g.data, path: g.name)
                XCTAssertEqual(image, alone[g.name], "\(g.name) after \(b.name)")
                _ = try? ImageDecoder.decode(b.data, path: b.name)
            }
        }
        var rng = SplitMix(seed: 7)
        for round in 0..<20 {
            let mix = (good.map { ($0, true) } + bad.map { ($0, false) }).shuffled(using: &rng)
            for (file, isGood) in mix {
                if isGood {
                    XCTAssertEqual(try ImageDecoder.decode(file.data, path: file.name), alone[file.name], "round \(round): \(file.name)")
                } else {
                    XCTAssertThrowsError(try ImageDecoder.decode(file.data, path: file.name), "round \(round): \(file.name)")
                }
            }
        }
    }

    /// The same across threads: a concurrent pass over many shuffled copies gives every good image its pixels.
    func testConcurrentDecodingOfAMixLosesNoGoodImage() throws {
        let (good, bad, alone) = try corpus()
        var rng = SplitMix(seed: 11)
        let mix = Array(repeating: good.map { ($0, true) } + bad.map { ($0, false) }, count: 8).flatMap { $0 }.shuffled(using: &rng)
        let wrong = Counter()
        DispatchQueue.concurrentPerform(iterations: mix.count) { i in
            let (file, isGood) = mix[i]
            let image = try? ImageDecoder.decode(file.data, path: file.name)
            if isGood ? image != alone[file.name] : image != nil { wrong.add() }
        }
        XCTAssertEqual(wrong.value, 0)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
