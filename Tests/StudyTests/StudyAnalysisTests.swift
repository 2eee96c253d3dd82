import Foundation
import Study
import XCTest

/// The study's figures on hand-made answers whose values are known.
final class StudyAnalysisTests: XCTestCase {
    private func image(_ id: Int64, _ label: String, generator: String? = nil, camera: String? = nil) -> StudyDatabase.Image {
        .init(id: id, token: "t\(id)", path: "p\(id)", sha256: "s\(id)", label: label, source: id <= 2 ? "a" : "b", generator: generator,
              camera: camera, width: 8, height: 8)
    }

    private func answer(_ participant: Int, _ image: Int64, _ answer: String, _ confidence: Int) -> StudyDatabase.Answer {
        .init(participant: "p\(participant)", participantNumber: participant, imageID: image, answer: answer, confidence: confidence, answeredAt: "")
    }

    func testKappaOfKnownTables() {
        // Agreement 3/4; rater A says FAKE half the time, B a quarter: chance 0.5, kappa 0.5.
        XCTAssertEqual(StudyAnalysis.kappa([("FAKE", "FAKE"), ("FAKE", "REAL"), ("REAL", "REAL"), ("REAL", "REAL")])!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(StudyAnalysis.kappa([("FAKE", "REAL"), ("REAL", "FAKE")])!, -1, accuracy: 1e-12)
        XCTAssertNil(StudyAnalysis.kappa([("FAKE", "FAKE"), ("FAKE", "FAKE")]))   // both constant: undefined
        XCTAssertNil(StudyAnalysis.kappa([]))
    }

    func testFiguresOfASmallStudy() {
        let images = [image(1, "REAL", camera: "Canon"), image(2, "FAKE", generator: "flux"), image(3, "FAKE", generator: "sdxl"), image(4, "REAL", camera: "Canon")]
        let answers = [
            answer(1, 1, "REAL", 90), answer(1, 2, "REAL", 60), answer(1, 3, "FAKE", 100), answer(1, 4, "REAL", 75),
            answer(2, 1, "FAKE", 50), answer(2, 2, "REAL", 95), answer(2, 3, "FAKE", 80), answer(2, 4, "REAL", 85),
        ]
        let model = StudyModelScores(name: "m", pFake: [1: 0.1, 2: 0.9, 3: 0.4, 4: 0.5], verdict: [1: "REAL", 2: "FAKE", 3: "UNSURE", 4: "UNSURE"])
        let a = StudyAnalysis.analyse(images: images, answers: answers, models: [model], bootstrap: 500, seed: 1)
        XCTAssertEqual(a.humans.answers, 8)
        XCTAssertEqual(a.humans.correct, 5)
        XCTAssertEqual(a.humans.accuracy, 5.0 / 8)
        XCTAssertLessThanOrEqual(a.humans.interval[0], a.humans.accuracy)
        XCTAssertGreaterThanOrEqual(a.humans.interval[1], a.humans.accuracy)
        XCTAssertEqual(a.humans.interval, StudyAnalysis.analyse(images: images, answers: answers, models: [model], bootstrap: 500, seed: 1).humans.interval)
        XCTAssertEqual(a.participants.map(\.accuracy), [0.75, 0.5])
        XCTAssertEqual(a.participants.map(\.meanConfidence), [81.25, 77.5])
        // The model's forced choice: image 1 REAL (right), 2 FAKE (right), 3 REAL (wrong), 4 FAKE at p = 0.5 (wrong).
        XCTAssertEqual(a.models[0].correct, 2)
        XCTAssertEqual(a.models[0].verdicts, ["REAL": 1, "FAKE": 1, "UNSURE": 2])
        // People got image 2 wrong (0 of 2) where the model was right; the model missed 3 and 4 where people were right.
        XCTAssertEqual(a.models[0].peopleMissModelGets, [2])
        XCTAssertEqual(a.models[0].modelMissesPeopleGet, [3, 4])
        let group = a.groups.first { $0.kind == "camera" && $0.name == "Canon" }!
        XCTAssertEqual(group.images, 2)
        XCTAssertEqual(group.humanAccuracy, 3.0 / 4)
        XCTAssertEqual(group.modelAccuracy, [0.5])
        XCTAssertEqual(a.groups.filter { $0.kind == "source" }.map(\.name), ["a", "b"])
        // Confidence bins: 50 | 60 | 75 | 80, 85 | 90, 95, 100 (100 belongs to the last bin).
        XCTAssertEqual(a.calibration.map(\.answers), [1, 1, 1, 2, 3])
        XCTAssertEqual(a.calibration[4].meanConfidence, 95)
        XCTAssertEqual(a.calibration[4].accuracy!, 2.0 / 3, accuracy: 1e-12)   // 90 and 100 right, 95 wrong
        XCTAssertEqual(a.calibration[1].accuracy, 0)
        let empty = StudyAnalysis.analyse(images: images, answers: [answer(1, 1, "REAL", 70)], models: [], bootstrap: 10)
        XCTAssertNil(empty.calibration[0].accuracy)
        XCTAssertEqual(empty.calibration[2].answers, 1)
    }

    /// One participant who is always right: every resample is 100 %.
    func testBootstrapOfAPerfectParticipant() {
        let images = [image(1, "REAL"), image(2, "FAKE")]
        let a = StudyAnalysis.analyse(images: images, answers: [answer(1, 1, "REAL", 70), answer(1, 2, "FAKE", 70)], models: [], bootstrap: 100)
        XCTAssertEqual(a.humans.interval, [1, 1])
        XCTAssertEqual(a.humans.bootstrap, 100)
    }
}
