import Foundation
import TestSupport
import XCTest

/// `discern study create` and `discern study report` as a user runs them (the browser part is
/// scripts/interop/check_study.py).
final class StudyCommandTests: XCTestCase {
    func testCreateThenReportAndUsageErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("study-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let study = dir.appendingPathComponent("s.sqlite").path
        let sample = sharedDataURL("cifake/sample").path
        let create = try runDiscern(["study", "create", "--data", sample, "--count", "8", "--seed", "2", "--out", study])
        XCTAssertEqual(create.status, 0, create.stderr)
        XCTAssertTrue(create.stdout.contains("4 REAL + 4 FAKE images (seed 2)"), create.stdout)
        // Never overwritten; an odd total without --per-class; no such data.
        let again = try runDiscern(["study", "create", "--data", sample, "--count", "8", "--out", study])
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("exists; choose another --out"), again.stderr)
        let odd = try runDiscern(["study", "create", "--data", sample, "--count", "7", "--out", dir.appendingPathComponent("o.sqlite").path])
        XCTAssertEqual(odd.status, 2)
        XCTAssertTrue(odd.stderr.contains("--count must be even without --per-class"), odd.stderr)
        let many = try runDiscern(["study", "create", "--data", sample, "--count", "40", "--per-class", "--out", dir.appendingPathComponent("m.sqlite").path])
        XCTAssertEqual(many.status, 2)
        XCTAssertTrue(many.stderr.contains("only 32 readable, distinct REAL images; the draw needs 40"), many.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.sqlite").path))

        // No answers yet: the report still runs and says so; the model's figures are there.
        let out = dir.appendingPathComponent("report").path, csv = dir.appendingPathComponent("a.csv").path
        let report = try runDiscern(["study", "report", study, "--out", out, "--export", csv])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stdout.contains("people: 0 participants, 8 images, 0 answers"), report.stdout)
        XCTAssertTrue(report.stdout.contains("model default detector: accuracy"), report.stdout)
        XCTAssertEqual(try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\r\n").count, 1)
        for file in ["report.json", "report.html", "reliability.png", "people-miss-model-gets-1.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + file), file)
        }
        let junk = dir.appendingPathComponent("junk.sqlite").path
        try Data("junk".utf8).write(to: URL(fileURLWithPath: junk))
        let bad = try runDiscern(["study", "report", junk, "--out", out])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("not a Discern study database"), bad.stderr)
        let help = try runDiscern(["study", "--help"])
        XCTAssertTrue(help.stdout.contains("create") && help.stdout.contains("report"), help.stdout)
    }
}
