import Data
import Foundation
import GRDB
import Study
import TestSupport
import XCTest

/// The study database: the seeded, balanced draw; participants' orders; answers stored once, in order, and kept.
final class StudyDatabaseTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("study-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func create(_ name: String = "s.sqlite", count: Int = 6, seed: UInt64 = 7) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try StudyCreation(data: [sharedDataURL("cifake/sample").path], count: count, perClass: true, seed: seed).run(out: path)
        return path
    }

    /// The same seed draws the same images in the same order; another seed draws others; classes are balanced; the
    /// database is in WAL mode with schema v1; an existing file is never overwritten.
    func testDrawIsSeededBalancedAndNeverOverwrites() throws {
        let a = try StudyDatabase(path: try create("a.sqlite")), b = try StudyDatabase(path: try create("b.sqlite"))
        let c = try StudyDatabase(path: try create("c.sqlite", seed: 8))
        let imagesA = try a.images(), imagesB = try b.images()
        XCTAssertEqual(imagesA.map(\.sha256), imagesB.map(\.sha256))
        XCTAssertNotEqual(Set(imagesA.map(\.sha256)), Set(try c.images().map(\.sha256)))
        XCTAssertEqual(imagesA.filter { $0.label == "REAL" }.count, 6)
        XCTAssertEqual(imagesA.filter { $0.label == "FAKE" }.count, 6)
        XCTAssertEqual(Set(imagesA.map(\.token)).count, 12)
        XCTAssertTrue(imagesA.allSatisfy { $0.token.count == 32 && !$0.token.contains($0.label) })
        XCTAssertEqual(imagesA.first?.source, "sample")   // no manifest beside the folder: the folder above the class folders
        // Stored in a shuffled order: ids do not follow the class.
        XCTAssertNotEqual(imagesA.map(\.label), imagesA.map(\.label).sorted())
        XCTAssertEqual(try a.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }, "wal")
        XCTAssertEqual(try a.pool.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }, StudyDatabase.migrations)
        // The original bytes are the file's; the display copy is a PNG without metadata chunks.
        let original = try a.originalBytes(imagesA[0].id)
        XCTAssertEqual(SHA256Digest.hex(original), imagesA[0].sha256)
        let display = try a.displayBytes(imagesA[0].id)
        XCTAssertEqual(Array(display.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        for chunk in ["tEXt", "iTXt", "zTXt", "eXIf"] { XCTAssertNil(display.range(of: Data(chunk.utf8)), chunk) }

        XCTAssertThrowsError(try create("a.sqlite")) { XCTAssertEqual($0 as? StudyError, .exists(self.dir.appendingPathComponent("a.sqlite").path)) }
        XCTAssertThrowsError(try create("d.sqlite", count: 33)) { XCTAssertEqual($0 as? StudyError, .tooFewImages(label: "REAL", found: 32, needed: 33)) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("d.sqlite").path))
    }

    /// A file that is not a study, and a study from a newer schema, are refused by name.
    func testRefusesOtherFilesAndNewerSchemas() throws {
        let junk = dir.appendingPathComponent("junk.sqlite").path
        try Data("not sqlite".utf8).write(to: URL(fileURLWithPath: junk))
        XCTAssertThrowsError(try StudyDatabase(path: junk)) { XCTAssertEqual($0 as? StudyError, .notAStudy(junk)) }
        XCTAssertThrowsError(try StudyDatabase(path: dir.appendingPathComponent("none.sqlite").path))
        let path = try create()
        try DatabaseQueue(path: path).write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9')") }
        XCTAssertThrowsError(try StudyDatabase(path: path)) { XCTAssertEqual($0 as? StudyError, .newerSchema(path: path, migrations: ["v9"])) }
    }

    /// Participants get seeded orders; only the image shown takes an answer, once; answers survive reopening the file;
    /// the score is only given at the end; a closed study takes no answer.
    func testParticipantsAnswerInTheirOrderOnceAndNothingIsLost() async throws {
        let path = try create(count: 3)
        var study = try StudyParticipation(database: try StudyDatabase(path: path))
        let (p1, new1) = try await study.participant(nil)
        XCTAssertTrue(new1)
        let again = try await study.participant(p1)
        XCTAssertEqual(again.id, p1)
        XCTAssertFalse(again.isNew)
        let (p2, _) = try await study.participant("unknown")
        XCTAssertNotEqual(p1, p2)
        let info = try study.database.info()
        // Participant n's order: the ids shuffled with SplitMix64(seed + n)'s first draw.
        var rng = SplitMix64Seeds(seed: info.seed &+ 1)
        let expected = StudyParticipation.order(study.imageIDs, seed: rng.first())
        let tokens = Dictionary(uniqueKeysWithValues: try study.database.images().map { ($0.id, $0.token) })
        var shown: [String] = []
        for k in 0..<3 {
            let next = try await study.next(p1)
            XCTAssertEqual(next?.token, tokens[expected[k]])
            XCTAssertEqual(next?.position, k + 1)
            XCTAssertEqual(next?.total, 6)
            shown.append(next!.token)
            let progress = try await study.answer(p1, token: next!.token, answer: "FAKE", confidence: 60 + k)
            XCTAssertEqual(progress.answered, k + 1)
        }
        // A second answer to an image, an image out of order, bad values.
        await assertThrows(try await study.answer(p1, token: shown[0], answer: "REAL", confidence: 90), .alreadyAnswered)
        let later = tokens[expected[5]]!
        await assertThrows(try await study.answer(p1, token: later, answer: "REAL", confidence: 90),
                           .badAnswer("answer the image shown (this one is not next in your order)"))
        await assertThrows(try await study.answer(p1, token: tokens[expected[3]]!, answer: "maybe", confidence: 90), .badAnswer("answer must be real or ai"))
        await assertThrows(try await study.answer(p1, token: tokens[expected[3]]!, answer: "REAL", confidence: 49), .badAnswer("confidence must be 50-100"))
        await assertThrows(try await study.answer(p1, token: "nope", answer: "REAL", confidence: 70), .unknownImage)
        await assertThrows(try await study.results(p1), .badAnswer("the score is shown once every image is answered"))

        // Reopen (a server restart): the three answers are there and the order goes on.
        study = try StudyParticipation(database: try StudyDatabase(path: path))
        let progress = try await study.progress(p1)
        XCTAssertEqual(progress.answered, 3)
        for k in 3..<6 {
            let next = try await study.next(p1)
            XCTAssertEqual(next?.token, tokens[expected[k]])
            _ = try await study.answer(p1, token: next!.token, answer: "REAL", confidence: 100)
        }
        let none = try await study.next(p1)
        XCTAssertNil(none)
        let results = try await study.results(p1)
        XCTAssertEqual(results.count, 6)
        let stored = try study.database.answers().filter { $0.participant == p1 }
        XCTAssertEqual(stored.map(\.confidence).sorted(), [60, 61, 62, 100, 100, 100])
        XCTAssertEqual(stored.map(\.participantNumber), Array(repeating: 1, count: 6))

        try study.database.close()
        let first = try await study.next(p2)
        await assertThrows(try await study.answer(p2, token: first!.token, answer: "REAL", confidence: 70), .closed)
        XCTAssertEqual(try study.database.answers().count, 6)
    }

    private func assertThrows<T>(_ body: @autoclosure () async throws -> T, _ expected: StudyError, line: UInt = #line) async {
        do {
            _ = try await body()
            XCTFail("no error; expected \(expected)", line: line)
        } catch { XCTAssertEqual(error as? StudyError, expected, line: line) }
    }
}

/// SplitMix64's first draw from a seed (participant n's order seed is this for seed + n).
private struct SplitMix64Seeds {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func first() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
