import Foundation
import Serving
import XCTest

/// The strict multipart/form-data reader behind POST /v1/classify.
final class MultipartBodyTests: XCTestCase {
    private func body(_ text: String) -> Data { Data(text.utf8) }

    func testStandardBodiesWithPreambleFieldsAndUTF8FileNames() throws {
        let b = body("preamble line\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Фото 1.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                     + "JPEG\r\nbytes\r\n--xyz\r\nContent-Disposition: form-data; name=note\r\n\r\nhello\r\n--xyz--\r\nepilogue")
        let parts = try MultipartBody.parts(of: b, boundary: "xyz")
        XCTAssertEqual(parts.count, 2)
        XCTAssertEqual(parts[0].filename, "Фото 1.jpg")
        XCTAssertEqual(parts[0].name, "file")
        XCTAssertEqual(parts[0].contentType, "image/jpeg")
        XCTAssertEqual(parts[0].data, body("JPEG\r\nbytes"))
        XCTAssertEqual(parts[1].name, "note")
        XCTAssertNil(parts[1].filename)
        XCTAssertEqual(parts[1].data, body("hello"))
        // The files of a body without a preamble, as curl -F sends it.
        let files = try Serving.DetectorServer.multipartFiles(body("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.jpg\"\r\n\r\nx\r\n--b--\r\n"),
                                                             contentType: "multipart/form-data; boundary=b")
        XCTAssertEqual(files.map(\.name), ["a.jpg"])
        XCTAssertEqual(files.map(\.data), [body("x")])
    }

    func testBrokenFramingAndHeadersAreMalformedNotATrap() {
        let cases = [
            "no boundary at all",
            "--b\r\nContent-Disposition: form-data\r\n\r\nunterminated",
            "--b\r\nContent-\u{BC}isposition: form-data\r\n\r\nx\r\n--b--",
            "--b\r\nno colon here\r\n\r\nx\r\n--b--",
            "--b\r\n: empty name\r\n\r\nx\r\n--b--",
            "--bX\r\n\r\nx\r\n--b--",
        ]
        for c in cases {
            XCTAssertThrowsError(try MultipartBody.parts(of: body(c), boundary: "b"), c) { error in
                guard case .malformed = error as? MultipartBody.Failure else { return XCTFail("\(c): \(error)") }
            }
        }
        XCTAssertThrowsError(try MultipartBody.parts(of: body("--b--"), boundary: String(repeating: "x", count: 71)))
        // What MultipartKit's preamble matcher took for a delimiter ("-b") is preamble here: no parts.
        XCTAssertEqual(try MultipartBody.parts(of: body("-b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--"), boundary: "b").count, 0)
    }

    func testPartLimitIsCheckedBeforeCopying() {
        let many = String(repeating: "--b\r\n\r\nx\r\n", count: 5) + "--b--"
        XCTAssertEqual(try MultipartBody.parts(of: body(many), boundary: "b", maxParts: 5).count, 5)
        XCTAssertThrowsError(try MultipartBody.parts(of: body(many), boundary: "b", maxParts: 4)) {
            XCTAssertEqual($0 as? MultipartBody.Failure, .tooManyParts(limit: 4))
        }
    }
}
