import Data
import Foundation
import TestSupport
import XCTest

final class SplittingTests: XCTestCase {
    private func items(_ n: Int) -> [LabeledItem] {
        (0..<n).map { LabeledItem(path: "/d/\($0 % 2 == 0 ? "REAL" : "FAKE")/\($0 / 10)_\($0 % 10).jpg", label: $0 % 2 == 0 ? "REAL" : "FAKE") }
    }

    func testDuplicatesNeverCrossSplitsAndSeedsReproduce() throws {
        let all = items(1000)
        // Every 7th file duplicates the file before it.
        let hashes = all.indices.map { i in i % 7 == 6 ? "h\(i - 1)" : "h\(i)" }
        let a = try Splitting.split(all, sha256: hashes, fractions: [("train", 0.8), ("val", 0.1), ("test", 0.1)], seed: 3)
        let b = try Splitting.split(all, sha256: hashes, fractions: [("train", 0.8), ("val", 0.1), ("test", 0.1)], seed: 3)
        let c = try Splitting.split(all, sha256: hashes, fractions: [("train", 0.8), ("val", 0.1), ("test", 0.1)], seed: 4)
        XCTAssertEqual(a.map(\.split), b.map(\.split))
        XCTAssertNotEqual(a.map(\.split), c.map(\.split))
        for i in all.indices where i % 7 == 6 { XCTAssertEqual(a[i].split, a[i - 1].split) }
        let counts = Dictionary(grouping: a, by: { $0.split! }).mapValues(\.count)
        XCTAssertEqual(counts["train"]!, 800, accuracy: 10)
        XCTAssertEqual(counts["val"]!, 100, accuracy: 10)
        XCTAssertEqual(counts["test"]!, 100, accuracy: 10)
    }

    func testGroupByKeepsCaptureGroupsTogether() throws {
        let all = items(400)
        let a = try Splitting.split(all, sha256: all.indices.map { "h\($0)" }, fractions: [("train", 0.5), ("test", 0.5)], seed: 1, groupBy: #"^\d+_(\d+)"#)
        var splitOfGroup: [String: String] = [:]
        for item in a {
            let group = String((item.path as NSString).lastPathComponent.split(separator: "_")[1].prefix(1))
            if let s = splitOfGroup[group] { XCTAssertEqual(s, item.split, "group \(group) crossed splits") } else { splitOfGroup[group] = item.split }
        }
        XCTAssertEqual(Set(splitOfGroup.values), ["train", "test"])
        XCTAssertThrowsError(try Splitting.split(all, sha256: all.map(\.path), fractions: [("train", 1)], seed: 1, groupBy: "(")) {
            XCTAssertTrue("\($0)".contains("not a valid regular expression"))
        }
        XCTAssertThrowsError(try Splitting.split(all, sha256: all.map(\.path), fractions: [("train", 0.5)], seed: 1))
    }

    func testSubsetPerClass() {
        let all = items(100)
        let s = Splitting.subset(all, perClass: 10, seed: 2)
        XCTAssertEqual(Dictionary(grouping: s, by: \.label).mapValues(\.count), ["REAL": 10, "FAKE": 10])
        XCTAssertEqual(s, Splitting.subset(all, perClass: 10, seed: 2))
        XCTAssertEqual(Splitting.subset(all, perClass: nil, seed: 2).count, 100)
    }

    func testHoldOutEveryNthPerClass() {
        // Class 0 at indices 0, 2, 3, 5, 6; class 1 at 1, 4, 7.
        let (train, held) = Splitting.holdOutEveryNth(labels: [0, 1, 0, 0, 1, 0, 0, 1], classes: 2, n: 2)
        XCTAssertEqual(held, [2, 5, 4])
        XCTAssertEqual(train, [0, 3, 6, 1, 7])
        XCTAssertEqual(Splitting.holdOutEveryNth(labels: [0, 0, 0], classes: 1, n: 4).held, [])
    }
}
