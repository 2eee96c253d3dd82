import Foundation
import Imaging
import Provenance
import TestSupport
import XCTest

/// The C2PA reader and validator on every file of ../shared/data/metadata/c2pa and on copies modified byte by byte.
/// Certificate validity is judged at fixed dates: the OpenAI signer's certificate expired on 2026-01-13.
final class C2PAValidationTests: XCTestCase {
    private func file(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: sharedDataURL("metadata/c2pa/\(name)"))) }
    private func date(_ s: String) -> Date { ISO8601DateFormatter().date(from: s + "T00:00:00Z")! }
    private var today: C2PAValidator { C2PAValidator(validationTime: date("2026-12-05")) }

    private func codes(_ r: C2PAReport, _ code: String, manifest: String? = nil) -> Int {
        r.statuses.filter { $0.code == code && (manifest == nil || $0.manifest == manifest) }.count
    }

    func testAdobeSignedPhotoIsValidAndTrustedOnlyWithItsRootAsAnchor() throws {
        let bytes = try file("adobe-20220124-CA.jpg")
        let r = try XCTUnwrap(try today.validate(file: bytes))
        XCTAssertEqual(r.store.manifests.count, 1)
        let active = try XCTUnwrap(r.store.active)
        XCTAssertEqual(active.label, "contentauth:urn:uuid:04cdf4ec-f713-4e47-a8d6-7af56501ce4b")
        XCTAssertEqual(active.claim.version, 1)
        XCTAssertEqual(active.claim.generator, "make_test_images/0.16.1 c2pa-rs/0.16.1")
        XCTAssertEqual(active.assertions.map(\.label), ["c2pa.thumbnail.claim.jpeg", "c2pa.thumbnail.ingredient.jpeg", "c2pa.ingredient",
                                                        "stds.schema-org.CreativeWork", "c2pa.actions", "c2pa.hash.data"])
        XCTAssertEqual(active.actions.map(\.action), ["c2pa.opened", "c2pa.color_adjustments"])
        XCTAssertEqual(active.ingredients.map(\.title), ["A.jpg"])
        XCTAssertEqual(active.ingredients.map(\.relationship), ["parentOf"])
        XCTAssertNil(active.ingredients.first?.manifestURI)
        XCTAssertEqual(codes(r, "claimSignature.validated"), 1)
        XCTAssertEqual(codes(r, "assertion.hashedURI.match"), 6)
        XCTAssertEqual(codes(r, "assertion.dataHash.match"), 1)
        XCTAssertEqual(r.failures, ["signingCredential.untrusted"])
        XCTAssertEqual(r.state, .valid)
        XCTAssertEqual(r.signers[active.label]?.subjectOrganization, "C2PA Test Signing Cert")
        XCTAssertEqual(r.signers[active.label]?.signatureAlgorithm, "1.2.840.113549.1.1.10", "an RSASSA-PSS certificate")
        // The chain's own root, given as a trust anchor, makes it trusted; being in the file does not.
        let root = try XCTUnwrap(try COSESign1(active.signatureBytes).certificateChain.last)
        let anchored = try XCTUnwrap(try C2PAValidator(trustAnchors: [SigningCertificate(der: root)], validationTime: date("2026-12-05")).validate(file: bytes))
        XCTAssertEqual(anchored.state, .trusted)
        XCTAssertEqual(anchored.failures, [])
        // Past the signer certificate's end (2030-08-26): expired.
        XCTAssertEqual(try C2PAValidator(validationTime: date("2031-01-01")).validate(file: bytes)?.failures,
                       ["signingCredential.expired", "signingCredential.untrusted"])
        let e = ContentCredentials.evidence(r)
        XCTAssertEqual(e.indicates, .provenance, "a valid manifest with no claim of how the image was made is not AI evidence")
        XCTAssertTrue(e.value.contains("signed by C2PA Test Signing Cert") && e.value.contains("asset hash matches"), e.value)
    }

    func testBrokenSignatureFailsAndNeverCounts() throws {
        let r = try XCTUnwrap(try today.validate(file: try file("adobe-20220124-E-sig-CA.jpg")))
        XCTAssertEqual(r.failures, ["claimSignature.mismatch", "signingCredential.untrusted"])
        XCTAssertEqual(codes(r, "assertion.dataHash.match"), 1, "the claim lies inside the excluded bytes")
        XCTAssertEqual(r.state, .invalid)
        XCTAssertEqual(r.store.active?.claim.generator, "make_test_xxxxxx/0.16.1 c2pa-rs/0.16.1")
        let e = ContentCredentials.evidence(r)
        XCTAssertEqual(e.indicates, .provenance)
        XCTAssertTrue(e.value.hasPrefix("manifest BROKEN (claimSignature.mismatch)") && e.value.hasSuffix("not counted as evidence"), e.value)
    }

    func testFileWithoutManifest() throws {
        XCTAssertNil(try today.validate(file: try file("adobe-20220124-A.jpg")))
        XCTAssertNil(ContentCredentials.evidence(Data(try file("adobe-20220124-A.jpg"))))
    }

    /// Both OpenAI images: the AI claim sits in the ingredient's manifest (the active one has no actions); both
    /// manifests are signed by OpenAI (ES256), the asset hash matches; the leaf certificate expired on 2026-01-13.
    func testOpenAIImagesCarryASignedAIClaim() throws {
        for name in ["openai-gpt-image-1-vinyl-output.png", "openai-gpt-image-1-vinyl-input.png"] {
            let bytes = try file(name)
            let r = try XCTUnwrap(try today.validate(file: bytes), name)
            XCTAssertEqual(r.store.manifests.count, 2, name)
            let active = try XCTUnwrap(r.store.active)
            XCTAssertEqual(active.claim.version, 2)
            XCTAssertEqual(active.claim.generator, "ChatGPT")
            XCTAssertTrue(active.actions.isEmpty)
            let ingredient = r.store.manifests[0]
            XCTAssertEqual(active.ingredients.map(\.relationship), ["componentOf"])
            XCTAssertEqual(active.ingredients.first?.manifestURI, "self#jumbf=/c2pa/\(ingredient.label)")
            XCTAssertEqual(ingredient.actions.map(\.action), ["c2pa.created", "c2pa.converted"])
            XCTAssertEqual(ingredient.actions.first?.digitalSourceType, "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia")
            XCTAssertEqual(ingredient.actions.map(\.softwareAgent), ["GPT-4o", "OpenAI API"])
            XCTAssertEqual(codes(r, "claimSignature.validated"), 2, name)
            XCTAssertEqual(codes(r, "assertion.dataHash.match", manifest: active.label), 1, name)
            XCTAssertEqual(codes(r, "assertion.hashedURI.match", manifest: active.label), 3, name)
            XCTAssertEqual(r.failures, ["signingCredential.expired", "signingCredential.untrusted"], name)
            XCTAssertEqual(r.state, .invalid, "expired, as c2pa-rs says")
            XCTAssertEqual(r.signers[active.label]?.subjectOrganization, "OpenAI")
            XCTAssertEqual(r.signers[active.label]?.subjectCommonName, "Truepic Lens CLI in ChatGPT")
            XCTAssertEqual(r.issuers[active.label]?.subjectCommonName, "WebClaimSigningCA")
            XCTAssertTrue(r.isAuthentic(active.label) && r.isAuthentic(ingredient.label))
            let e = ContentCredentials.evidence(r)
            XCTAssertEqual(e.indicates, .aiGenerated, e.value)
            XCTAssertEqual(e.value, "trainedAlgorithmicMedia by \"GPT-4o\" (OpenAI API) (in the ingredient's manifest), claim generator ChatGPT, "
                           + "signed by OpenAI (Truepic Lens CLI in ChatGPT; certificate expired 2026-01-13; chain valid, not on a trust list), asset hash matches")
            // Inside the certificate's validity, only the missing trust anchor remains.
            XCTAssertEqual(try C2PAValidator(validationTime: date("2025-06-01")).validate(file: bytes)?.failures, ["signingCredential.untrusted"])
        }
    }

    /// Copies changed byte by byte: pixels (hash mismatch), an assertion (hashed-URI mismatch), the claim (signature
    /// mismatch), a truncated box (unreadable). None of them yields AI evidence.
    func testModifiedFilesFailByName() throws {
        let png = try file("openai-gpt-image-1-vinyl-output.png")
        var pixels = png
        pixels[png.count - 100] ^= 0x01   // inside the last IDAT, outside the excluded caBX chunk
        let p = try XCTUnwrap(try today.validate(file: pixels))
        XCTAssertTrue(p.failures.contains("assertion.dataHash.mismatch"), "\(p.failures)")
        XCTAssertEqual(ContentCredentials.evidence(p).indicates, .provenance)
        XCTAssertTrue(ContentCredentials.evidence(p).value.contains("BROKEN (assertion.dataHash.mismatch)"), ContentCredentials.evidence(p).value)

        let store = try XCTUnwrap(try C2PAContainer.manifestStore(in: png))
        let active = try XCTUnwrap(try C2PAManifestStore(bytes: store.store).active)
        let hashData = try XCTUnwrap(active.assertion("c2pa.hash.data"))
        var assertion = png
        assertion[store.carriers[0].lowerBound + 8 + hashData.box.payload.upperBound - 1] ^= 0x01   // last byte of the assertion (its pad)
        let a = try XCTUnwrap(try today.validate(file: assertion))
        XCTAssertTrue(a.failures.contains("assertion.hashedURI.mismatch"), "\(a.failures)")
        XCTAssertFalse(a.isAuthentic(active.label))

        var truncated = png
        let lengthAt = store.carriers[0].lowerBound + 8   // the store's LBox
        truncated[lengthAt] = 0x7F
        XCTAssertThrowsError(try today.validate(file: truncated))
        XCTAssertEqual(ContentCredentials.evidence(Data(truncated))?.first?.indicates, .provenance)

        let jpeg = try file("adobe-20220124-CA.jpg")
        var scan = jpeg
        scan[jpeg.count - 50] ^= 0x10
        XCTAssertTrue(try XCTUnwrap(try today.validate(file: scan)).failures.contains("assertion.dataHash.mismatch"))
    }

    /// WebP carries the store in a RIFF chunk `C2PA` (size little-endian, padded to even): found, with its chunk range.
    func testWebPChunkIsFound() throws {
        let store = try XCTUnwrap(try C2PAContainer.manifestStore(in: try file("openai-gpt-image-1-vinyl-input.png"))).store
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            Array(type.utf8) + withUnsafeBytes(of: UInt32(data.count).littleEndian, Array.init) + data + (data.count % 2 == 1 ? [0] : [])
        }
        let body = Array("WEBP".utf8) + chunk("VP8L", [0x2F, 0, 0, 0, 0]) + chunk("C2PA", store)
        let webp = Array("RIFF".utf8) + withUnsafeBytes(of: UInt32(body.count).littleEndian, Array.init) + body
        let found = try XCTUnwrap(try C2PAContainer.manifestStore(in: webp))
        XCTAssertEqual(found.store, store)
        XCTAssertEqual(found.carriers, [26..<(34 + store.count + store.count % 2)])
        XCTAssertEqual(try C2PAManifestStore(bytes: found.store).manifests.count, 2)
        // Two stores in one file are invalid.
        let twice = Array("RIFF".utf8) + withUnsafeBytes(of: UInt32(body.count + 8 + store.count + store.count % 2).littleEndian, Array.init)
            + body + chunk("C2PA", store)
        XCTAssertThrowsError(try C2PAContainer.manifestStore(in: twice)) { XCTAssertEqual($0 as? C2PAError, .multipleStores) }
    }

    func testJUMBFRejectsBadLengths() {
        // A superbox whose child claims more bytes than the parent has.
        let bad: [UInt8] = [0, 0, 0, 20] + Array("jumb".utf8) + [0, 0, 0, 99] + Array("jumd".utf8) + [0, 0, 0, 0]
        XCTAssertThrowsError(try JUMBFBox.parse(bad))
        XCTAssertThrowsError(try JUMBFBox.parse([0, 0, 0, 5] + Array("jumb".utf8)))
        XCTAssertThrowsError(try JUMBFBox.parse([0, 0, 0, 16] + Array("jumb".utf8) + [0, 0, 0, 8] + Array("cbor".utf8)), "no jumd first")
    }
}
