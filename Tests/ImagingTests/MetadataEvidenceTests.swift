import CZlib
import Foundation
import Imaging
import TestSupport
import XCTest

/// Metadata evidence on real files written by real tools (`shared/data/metadata`), plus chunks
/// made here for the cases no shared file has (A1111 `parameters`, IPTC DigitalSourceType).
final class MetadataEvidenceTests: XCTestCase {
    private func evidence(_ relative: String) throws -> [Evidence] {
        MetadataEvidence.read(try Data(contentsOf: sharedDataURL("metadata/\(relative)")))
    }

    private func sources(_ e: [Evidence], _ indication: Evidence.Indication) -> Set<String> {
        Set(e.filter { $0.indicates == indication }.map(\.source))
    }

    func testC2PAManifestsAreFound() throws {
        for f in ["c2pa/adobe-20220124-CA.jpg", "c2pa/adobe-20220124-E-sig-CA.jpg"] {
            XCTAssertEqual(sources(try evidence(f), .provenance), ["c2pa"], f)
        }
        let plain = try evidence("c2pa/adobe-20220124-A.jpg")
        XCTAssertTrue(sources(plain, .provenance).isEmpty)
        XCTAssertTrue(plain.contains(Evidence(source: "exif:Make", value: "Canon", indicates: .camera)))
        XCTAssertTrue(plain.contains(Evidence(source: "exif:Software", value: "Adobe Lightroom 5.3 (Macintosh)", indicates: .edited)))
        XCTAssertTrue(plain.contains { $0.source == "xmp" })
    }

    func testComfyUIWorkflowsAreAIEvidence() throws {
        for f in ["comfyui/flux_schnell_example.png", "comfyui/sdxl_simple_example.png"] {
            XCTAssertEqual(sources(try evidence(f), .aiGenerated), ["png:prompt", "png:workflow"], f)
        }
    }

    func testCameraFilesShowCameraAndNoAI() throws {
        let canon = try evidence("camera/canon-eos5d3-_K6A7945.jpg")
        XCTAssertTrue(canon.contains(Evidence(source: "exif:Model", value: "Canon EOS 5D Mark III", indicates: .camera)))
        XCTAssertTrue(sources(canon, .aiGenerated).isEmpty)
        let hp = try evidence("camera/hp-c200-DSC00003.jpg")
        XCTAssertTrue(hp.contains(Evidence(source: "exif:Make", value: "Hewlett-Packard Company", indicates: .camera)))
        XCTAssertTrue(sources(hp, .aiGenerated).isEmpty)
    }

    /// A PNG with extra chunks inserted before IEND.
    private func png(with chunks: [(String, Data)]) throws -> Data {
        let base = try PNGCodec.encode(RGBImage(width: 4, height: 4))
        var body = Data()
        for (type, payload) in chunks {
            var len = UInt32(payload.count).bigEndian
            body.append(Data(bytes: &len, count: 4))
            let typed = Data(type.utf8) + payload
            body.append(typed)
            var crc = UInt32(typed.withUnsafeBytes { crc32(0, $0.bindMemory(to: UInt8.self).baseAddress, UInt32(typed.count)) }).bigEndian
            body.append(Data(bytes: &crc, count: 4))
        }
        return base.prefix(base.count - 12) + body + base.suffix(12)
    }

    func testStableDiffusionParametersAndDigitalSourceType() throws {
        let params = "a photo of a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Model: v1-5"
        let xmp = #"<x:xmpmeta><rdf:Description Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/></x:xmpmeta>"#
        let data = try png(with: [("tEXt", Data("parameters\0\(params)".utf8)),
                                  ("iTXt", Data("XML:com.adobe.xmp\0\0\0\0\0\(xmp)".utf8))])
        XCTAssertNoThrow(try PNGCodec.decode(data), "still a valid PNG")
        let e = MetadataEvidence.read(data)
        XCTAssertTrue(e.contains(Evidence(source: "png:parameters", value: params, indicates: .aiGenerated)))
        XCTAssertTrue(e.contains(Evidence(source: "xmp:DigitalSourceType", value: "trainedAlgorithmicMedia", indicates: .aiGenerated)), "\(e)")
        XCTAssertTrue(MetadataEvidence.read(try PNGCodec.encode(RGBImage(width: 2, height: 2))).isEmpty)
        XCTAssertTrue(MetadataEvidence.read(Data("garbage".utf8)).isEmpty)
    }
}
