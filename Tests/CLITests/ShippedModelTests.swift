import Foundation
import TestSupport
import XCTest

/// The shipped default detector still has the accuracy its model card states on the test split.
final class ShippedModelTests: XCTestCase {
    func testShippedModelMatchesItsModelCard() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let card = try String(contentsOf: repo.appendingPathComponent("MODEL_CARD.md"), encoding: .utf8)
        let line = try XCTUnwrap(card.split(separator: "\n").first { $0.contains("test_accuracy:") })
        let stated = try XCTUnwrap(Double(line.split(separator: ":")[1].trimmingCharacters(in: CharacterSet(charactersIn: " ->"))))
        let r = try runDiscern(["evaluate", "--model", repo.appendingPathComponent("Sources/discern/Resources/default-detector.safetensors").path,
                                "--data", sharedDataURL("cifake/test.tar.gz").path, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(j["n"] as? Int, 8000)
        let accuracy = try XCTUnwrap(j["accuracy"] as? Double)
        XCTAssertGreaterThanOrEqual(accuracy, stated - 0.003, "test accuracy \(accuracy) vs model card \(stated)")
    }
}
