import Foundation
import Imaging
import Inference
import XCTest

/// The verdict of a model with more than two classes, and how a judgement is written as JSON.
final class DetectorVerdictTests: XCTestCase {
    private let classes = ["REAL", "FAKE", "EDITED"]
    private let camera = Evidence(source: "exif:Make", value: "Canon", indicates: .camera)
    private let generator = Evidence(source: "png:parameters", value: "a cat, Steps: 20", indicates: .aiGenerated)

    func testTheLikeliestClassUnlessMetadataSaysOtherwise() {
        let edited = [0.3, 0.1, 0.6], real = [0.7, 0.1, 0.2]
        XCTAssertEqual(Detector.verdict(probabilities: edited, classes: classes, evidence: []).0, Verdict(rawValue: "EDITED"))
        XCTAssertEqual(Detector.verdict(probabilities: edited, classes: classes, evidence: []).reason, Detector.pixelsReason)
        XCTAssertEqual(Detector.verdict(probabilities: real, classes: classes, evidence: []).0, .real)
        // Generator metadata decides, whatever the pixels say.
        let byMetadata = Detector.verdict(probabilities: real, classes: classes, evidence: [generator])
        XCTAssertEqual(byMetadata.0, .fake)
        XCTAssertEqual(byMetadata.reason, "metadata: png:parameters")
        // Camera metadata never makes an image REAL, but a camera file the pixels call anything else is UNSURE.
        let cameraEdited = Detector.verdict(probabilities: edited, classes: classes, evidence: [camera])
        XCTAssertEqual(cameraEdited.0, .unsure)
        XCTAssertTrue(cameraEdited.reason.contains("pixels say EDITED"), cameraEdited.reason)
        XCTAssertEqual(Detector.verdict(probabilities: real, classes: classes, evidence: [camera]).0, .real)
    }

    func testJSONHasPFakeForTwoClassesAndEveryProbabilityForMore() throws {
        func json(_ j: Judgement) throws -> [String: Any] {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Judgement.jsonEncoder().encode(j)) as? [String: Any])
        }
        let binary = try json(Judgement(path: "a.jpg", verdict: .fake, pFake: 0.9, reason: "pixels", evidence: [], width: 32, height: 32))
        XCTAssertEqual(binary["p_fake"] as? Double, 0.9)
        XCTAssertNil(binary["probabilities"])
        XCTAssertEqual(Set(binary.keys), ["path", "verdict", "p_fake", "reason", "evidence", "width", "height"])
        let three = try json(Judgement(path: "b.jpg", verdict: Verdict(rawValue: "EDITED"), pFake: 0.7, reason: "pixels", evidence: [],
                                       width: 8, height: 8, heatmap: "h.png", probabilities: ["REAL": 0.3, "FAKE": 0.1, "EDITED": 0.6]))
        XCTAssertNil(three["p_fake"], "1 - p_REAL would clash with the FAKE class's own probability")
        XCTAssertEqual(three["probabilities"] as? [String: Double], ["REAL": 0.3, "FAKE": 0.1, "EDITED": 0.6])
        XCTAssertEqual(three["verdict"] as? String, "EDITED")
        XCTAssertEqual(three["heatmap"] as? String, "h.png")
    }
}
