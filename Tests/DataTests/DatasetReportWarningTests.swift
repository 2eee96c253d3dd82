import Foundation
import Imaging
import XCTest

@testable import Data

/// `dataset inspect` warns when the classes differ in file format or image size (issue #31: no format or scale may
/// give the label away).
final class DatasetReportWarningTests: XCTestCase {
    func testFormatAndSizeShortcutsAreNamed() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("discern-shortcuts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for label in ["REAL", "FAKE"] { try FileManager.default.createDirectory(at: root.appendingPathComponent(label), withIntermediateDirectories: true) }
        for i in 0..<4 {
            let small = RGBImage(width: 32, height: 32, pixels: (0..<3072).map { UInt8(($0 * 7 + i) % 256) })
            let large = RGBImage(width: 100, height: 100, pixels: (0..<30000).map { UInt8(($0 * 5 + i) % 256) })
            try JPEGCodec.encode(small, quality: 90).write(to: root.appendingPathComponent("REAL/\(i).jpg"))
            try PNGCodec.encode(large).write(to: root.appendingPathComponent("FAKE/\(i).png"))
        }
        let report = try DatasetReport.inspect(DatasetSource(paths: [root.path]))
        XCTAssertEqual(report.formatsByLabel, ["REAL": ["jpeg": 4], "FAKE": ["png": 4]])
        XCTAssertEqual(report.medianPixelsByLabel, ["REAL": 1024, "FAKE": 10000])
        XCTAssertTrue(report.warnings.contains("JPEG is 100 % of REAL but 0 % of FAKE: a detector can learn the file format"), "\(report.warnings)")
        XCTAssertTrue(report.warnings.contains("PNG is 100 % of FAKE but 0 % of REAL: a detector can learn the file format"), "\(report.warnings)")
        XCTAssertTrue(report.warnings.contains { $0.hasPrefix("median image size of FAKE is 0.01 MP, of REAL 0.00 MP") }, "\(report.warnings)")
        // Classes alike in both: no such warning.
        var medians: [String: Int] = [:]
        XCTAssertEqual(DatasetReport.classImbalanceWarnings(formats: ["REAL": ["jpeg": 9, "png": 1], "FAKE": ["jpeg": 8, "png": 2]],
                                                           pixels: ["REAL": [100, 120, 150], "FAKE": [90, 140, 200]], medians: &medians), [])
        XCTAssertEqual(medians, ["REAL": 120, "FAKE": 140])
    }
}
