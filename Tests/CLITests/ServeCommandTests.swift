import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import XCTest

/// `discern serve` as a process: it prints its port, answers, and on SIGTERM finishes the request in flight before exiting 0.
final class ServeCommandTests: XCTestCase {
    func testSIGTERMFinishesTheRequestInFlight() throws {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let p = Process()
        p.executableURL = runner.deletingLastPathComponent().appendingPathComponent("discern")
        // A 1.5 s batching window keeps the request in flight while the signal arrives.
        p.arguments = ["serve", "--port", "0", "--batch-wait-ms", "1500", "--max-batch", "8"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }

        var printed = ""
        let reader = out.fileHandleForReading
        let deadline = Date(timeIntervalSinceNow: 20)
        while !printed.contains("listening on"), Date() < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        let port = try XCTUnwrap(printed.split(separator: "\n").first { $0.contains("listening on") }?.split(separator: ":").last
            .flatMap { Int($0.prefix { $0.isNumber }) }, printed)

        let image = try Data(contentsOf: sharedDataURL("cifake/sample/FAKE").appendingPathComponent("1379_10.jpg"))
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/classify")!)
        request.httpMethod = "POST"
        request.setValue("image/jpeg", forHTTPHeaderField: "Content-Type")
        request.httpBody = image
        let done = expectation(description: "answer")
        let answer = Answer()
        URLSession.shared.dataTask(with: request) { data, response, _ in
            answer.set(status: (response as? HTTPURLResponse)?.statusCode ?? -1, body: data ?? Data())
            done.fulfill()
        }.resume()
        Thread.sleep(forTimeInterval: 0.5)
        kill(p.processIdentifier, SIGTERM)
        wait(for: [done], timeout: 15)
        let (status, body) = answer.get()
        XCTAssertEqual(status, 200, String(decoding: body, as: UTF8.self))
        XCTAssertTrue(String(decoding: body, as: UTF8.self).contains("\"verdict\":\"FAKE\""))
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        printed += String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(printed.contains("discern serve: stopped"), printed)
    }

    func testBadFlagsAreUsageErrors() throws {
        let r = try runDiscern(["serve", "--port", "70000"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--port"), r.stderr)
        let help = try runDiscern(["serve", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("--api-key"))
    }
}

/// The HTTP answer, written by URLSession's queue and read by the test after the expectation.
private final class Answer: @unchecked Sendable {
    private let lock = NSLock()
    private var status = 0, body = Data()
    func set(status: Int, body: Data) { lock.withLock { self.status = status; self.body = body } }
    func get() -> (Int, Data) { lock.withLock { (status, body) } }
}
