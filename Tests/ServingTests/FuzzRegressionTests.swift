import Data
import Foundation
import Imaging
import NN
import Provenance
import Serving
import XCTest

/// Replays `Tests/Fixtures/fuzz/<Target>/*` through the entry points of the libFuzzer target of that name
/// (`Fuzz/Sources/<Target>`): every crash a fuzzer ever found, kept for ever, plus a sample of each target's corpus.
/// Each input must come back as a value or a thrown error, never a trap; the test command also runs this suite under
/// AddressSanitizer.
final class FuzzRegressionTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz")
    static let targets = ["FuzzJPEG", "FuzzPNG", "FuzzMetadata", "FuzzTar", "FuzzGzip", "FuzzSafetensors", "FuzzManifest", "FuzzMultipart", "FuzzC2PA"]

    private func inputs(_ target: String) throws -> [(name: String, data: Data)] {
        let dir = Self.root.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        return try names.map { ($0, try Data(contentsOf: dir.appendingPathComponent($0))) }
    }

    private func file(_ data: Data, _ suffix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("discern-fuzz-replay-\(UUID().uuidString)\(suffix)")
        try data.write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testEveryTargetHasReplayInputs() throws {
        for target in Self.targets { XCTAssertFalse(try inputs(target).isEmpty, target) }
    }

    func testImageInputsDecodeOrFailAndLeaveNoState() throws {
        let good = try JPEGCodec.encode(RGBImage(width: 8, height: 8, pixels: (0..<192).map { UInt8($0) }), quality: 90)
        let expected = try ImageDecoder.decode(good)
        for (target, signature) in [("FuzzJPEG", Data([0xFF, 0xD8, 0xFF])), ("FuzzPNG", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))] {
            for input in try inputs(target) {
                let data = signature + input.data
                _ = try? ImageDecoder.dimensions(of: data)
                _ = try? ImageDecoder.decode(data, maxPixels: 4_000_000)
                _ = JPEGQuality.estimate(data)
                XCTAssertEqual(try ImageDecoder.decode(good), expected, "\(target)/\(input.name)")
            }
        }
    }

    func testMetadataInputs() throws {
        for input in try inputs("FuzzMetadata") {
            guard let first = input.data.first else { continue }
            let prefix: Data = [Data([0xFF, 0xD8]), Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), Data()][Int(first) % 3]
            let data = prefix + input.data.dropFirst()
            _ = MetadataEvidence.read(data)
            _ = EXIFOrientation.read(jpeg: data)
        }
    }

    /// FuzzC2PA's three modes (CBOR item, JUMBF store, whole file); the tiny hand-made store reads back.
    func testContentCredentialsInputs() throws {
        for input in try inputs("FuzzC2PA") {
            guard let first = input.data.first else { continue }
            let body = [UInt8](input.data.dropFirst())
            switch first % 3 {
            case 0: _ = try? CBOR.decode(body).encoded
            case 1: _ = try? C2PAManifestStore(bytes: body).manifests.map { try? COSESign1($0.signatureBytes) }
            default: _ = (try? C2PAValidator(validationTime: Date(timeIntervalSince1970: 1_765_000_000)).validate(file: body)).flatMap { $0.map(ContentCredentials.evidence) }
            }
        }
        let tiny = [UInt8](try XCTUnwrap(try inputs("FuzzC2PA").first { $0.name == "tiny-store.png" }).data.dropFirst())
        let report = try XCTUnwrap(try C2PAValidator().validate(file: tiny))
        XCTAssertEqual(report.store.active?.claim.generator, "test")
        XCTAssertTrue(report.failures.contains("signingCredential.invalid"), "\(report.failures)")   // no certificate
        XCTAssertEqual(ContentCredentials.evidence(report).indicates, .provenance)
    }

    func testArchiveManifestAndCheckpointInputs() throws {
        for (target, suffix, prefix) in [("FuzzTar", ".tar", Data()), ("FuzzGzip", ".tar.gz", Data([0x1F, 0x8B]))] {
            for input in try inputs(target) {
                let url = try file(prefix + input.data, suffix)
                let reader = try TarReader(url: url)
                var n = 0
                while (try? reader.nextMember()) != nil, n < 10_000 { n += 1 }
                _ = try? DatasetSource(paths: [url.path]).forEach { _, _ in }
            }
        }
        for input in try inputs("FuzzSafetensors") { _ = try? Safetensors.read(try file(input.data, ".safetensors")) }
        for input in try inputs("FuzzManifest") { _ = try? Manifest.read(try file(input.data, ".jsonl")) }
    }

    func testMultipartInputs() throws {
        for input in try inputs("FuzzMultipart") {
            let parts = try? DetectorServer.multipartFiles(input.data, contentType: "multipart/form-data; boundary=fuzz", maxParts: 64)
            XCTAssertLessThanOrEqual(parts?.count ?? 0, 64, input.name)
        }
    }
}
