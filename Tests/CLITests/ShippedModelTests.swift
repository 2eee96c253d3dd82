import Foundation
import TestSupport
import XCTest

/// The shipped default detector (a size router: the CIFAKE model for images up to 64 px a side, the wild patch model
/// above) still has the figures its model card states: on the CIFAKE test split and on `wild/val.tar.gz`.
final class ShippedModelTests: XCTestCase {
    private let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private var shipped: String { repo.appendingPathComponent("Sources/discern/Resources/default-detector.safetensors").path }

    /// A `<!-- key: value -->` figure of MODEL_CARD.md.
    private func stated(_ key: String) throws -> Double {
        let card = try String(contentsOf: repo.appendingPathComponent("MODEL_CARD.md"), encoding: .utf8)
        let line = try XCTUnwrap(card.split(separator: "\n").first { $0.contains("\(key):") }, "MODEL_CARD.md has no \(key)")
        return try XCTUnwrap(Double(line.split(separator: ":")[1].trimmingCharacters(in: CharacterSet(charactersIn: " ->"))))
    }

    func testShippedModelMatchesItsModelCardOnCIFAKE() throws {
        let r = try runDiscern(["evaluate", "--model", shipped, "--data", sharedDataURL("cifake/test.tar.gz").path, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(j["n"] as? Int, 8000)
        XCTAssertEqual((j["router"] as? [String: Int])?["small_input_images"], 8000)   // every 32x32 image to the CIFAKE model
        let accuracy = try XCTUnwrap(j["accuracy"] as? Double)
        XCTAssertGreaterThanOrEqual(accuracy, try stated("test_accuracy") - 0.003, "test accuracy \(accuracy)")
        XCTAssertGreaterThanOrEqual(accuracy, 0.98)
    }

    /// Verdicts as `discern classify` gives them (UNSURE counts as neither), on the leave-generator-out wild val crops.
    func testShippedModelMatchesItsModelCardOnWildVal() throws {
        let r = try runDiscern(["classify", sharedDataURL("wild/val.tar.gz").path, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var verdicts: [String: [String: Int]] = [:]
        for line in r.stdout.split(separator: "\n") {
            let row = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let label = (row["path"] as? String ?? "").contains("/REAL/") ? "REAL" : "FAKE"
            verdicts[label, default: [:]][row["verdict"] as? String ?? "?", default: 0] += 1
        }
        let real = verdicts["REAL"] ?? [:], fake = verdicts["FAKE"] ?? [:]
        XCTAssertEqual(real.values.reduce(0, +), 116)
        XCTAssertEqual(fake.values.reduce(0, +), 131)
        let falseAlarms = Double(real["FAKE"] ?? 0) / 116, caught = Double(fake["FAKE"] ?? 0) / 131
        let unsure = Double((real["UNSURE"] ?? 0) + (fake["UNSURE"] ?? 0)) / 247
        XCTAssertEqual(falseAlarms, try stated("wild_val_real_called_fake"), accuracy: 0.005, "\(verdicts)")
        XCTAssertEqual(caught, try stated("wild_val_fake_caught"), accuracy: 0.005, "\(verdicts)")
        XCTAssertLessThanOrEqual(falseAlarms, 0.10)
        XCTAssertGreaterThanOrEqual(caught, 0.80)
        XCTAssertLessThanOrEqual(unsure, try stated("wild_val_unsure") + 0.005)
    }

    /// The full-size camera photos of ../shared/data/metadata are judged by the wild model, at native resolution,
    /// and not called FAKE by their pixels (the CIFAKE model gave them p_fake 0.999).
    func testCameraPhotosAreNotCalledFake() throws {
        let folder = sharedDataURL("metadata/camera")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.lowercased().hasSuffix(".jpg") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 2)
        for f in files {
            let r = try runDiscern(["classify", folder.appendingPathComponent(f).path, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let row = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            XCTAssertLessThan(try XCTUnwrap(row["p_fake"] as? Double), 0.5, "\(f): \(r.stdout)")
            XCTAssertEqual(row["verdict"] as? String, "REAL", f)
            XCTAssertFalse(r.stdout.contains("discern:router"), f)
        }
    }
}
