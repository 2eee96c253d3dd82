import Foundation
import Provenance
import TestSupport
import XCTest

/// `discern credentials` end to end on the C2PA sample files.
final class CredentialsCommandTests: XCTestCase {
    private func path(_ name: String) -> String { sharedDataURL("metadata/c2pa/\(name)").path }

    func testTreeNamesEveryCheckAndTheEvidence() throws {
        let r = try runDiscern(["credentials", path("openai-gpt-image-1-vinyl-output.png"), path("adobe-20220124-A.jpg"), "--at", "2025-06-01"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("C2PA manifest store, 2 manifest(s); state Valid (failures: signingCredential.untrusted)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("manifest urn:c2pa:cc5fc480-9b3d-4532-a4d0-0add0a0fd75f (active)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("signed by OpenAI (Truepic Lens CLI in ChatGPT), issuer WebClaimSigningCA, ES256"), r.stdout)
        XCTAssertTrue(r.stdout.contains("action c2pa.created (trainedAlgorithmicMedia, GPT-4o)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("ok   assertion.dataHash.match"), r.stdout)
        XCTAssertTrue(r.stdout.contains("evidence (ai-generated): trainedAlgorithmicMedia by \"GPT-4o\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("adobe-20220124-A.jpg: no Content Credentials"), r.stdout)
    }

    func testJSONAndErrors() throws {
        let r = try runDiscern(["credentials", path("adobe-20220124-E-sig-CA.jpg"), "--format", "json", "--at", "2026-12-05"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(j["state"] as? String, "Invalid")
        XCTAssertEqual(j["failures"] as? [String], ["claimSignature.mismatch", "signingCredential.untrusted"])
        let m = try XCTUnwrap((j["manifests"] as? [[String: Any]])?.first)
        XCTAssertEqual(m["algorithm"] as? String, "PS256")
        XCTAssertEqual((m["signer"] as? [String: Any])?["organization"] as? String, "C2PA Test Signing Cert")
        XCTAssertEqual((j["evidence"] as? [String: Any])?["indicates"] as? String, "provenance")

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-cred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A store cut short: the file is named, exit 1, the other file still printed.
        var png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path("openai-gpt-image-1-vinyl-input.png"))))
        png[33 + 8] = 0x7F
        let cut = dir.appendingPathComponent("cut.png")
        try Data(png).write(to: cut)
        let bad = try runDiscern(["credentials", cut.path, path("adobe-20220124-CA.jpg")])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("cut.png: "), bad.stderr)
        XCTAssertTrue(bad.stdout.contains("adobe-20220124-CA.jpg: C2PA manifest store"), bad.stdout)
        let date = try runDiscern(["credentials", path("adobe-20220124-CA.jpg"), "--at", "yesterday"])
        XCTAssertEqual(date.status, 2)
        XCTAssertTrue(date.stderr.contains("--at must be a date"), date.stderr)
        // A trust list with the Adobe test root (the last certificate of the file's own chain) makes that file Trusted;
        // classify then says "on the trust list".
        let pem = dir.appendingPathComponent("root.pem")
        let noList = try runDiscern(["credentials", path("adobe-20220124-CA.jpg"), "--c2pa-trust", pem.path])
        XCTAssertEqual(noList.status, 2, "a missing trust list is a usage error")
        let jpeg = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path("adobe-20220124-CA.jpg"))))
        let store = try C2PAManifestStore(bytes: try XCTUnwrap(try C2PAContainer.manifestStore(in: jpeg)).store)
        let root = try XCTUnwrap(try COSESign1(try XCTUnwrap(store.active).signatureBytes).certificateChain.last)
        let base64 = Data(root).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        try "-----BEGIN CERTIFICATE-----\n\(base64)\n-----END CERTIFICATE-----\n".write(to: pem, atomically: true, encoding: .utf8)
        let trusted = try runDiscern(["credentials", path("adobe-20220124-CA.jpg"), "--c2pa-trust", pem.path, "--format", "json"])
        XCTAssertEqual(trusted.status, 0, trusted.stderr)
        XCTAssertTrue(trusted.stdout.contains("\"state\":\"Trusted\""), trusted.stdout)
        let classified = try runDiscern(["classify", path("adobe-20220124-CA.jpg"), "--c2pa-trust", pem.path, "--format", "json"])
        XCTAssertTrue(classified.stdout.contains("chain valid, on the trust list"), classified.stdout)
    }
}
