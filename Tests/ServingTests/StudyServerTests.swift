import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Imaging
import Inference
import Logging
import Serving
import Study
import TestSupport
import XCTest

/// `discern serve --study` over loopback HTTP: sessions by cookie, the label never sent before the answer, one answer
/// per image, the score at the end, admin routes behind the API key, and answers kept across a server restart.
final class StudyServerTests: XCTestCase {
    private var dir: URL!
    private var path: String!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("study-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        path = dir.appendingPathComponent("study.sqlite").path
        try StudyCreation(data: [sharedDataURL("cifake/sample").path], count: 4, perClass: true, seed: 3).run(out: path)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func server(apiKey: String? = "admin-key") throws -> (DetectorServer, StudyRoutes) {
        var options = ServeOptions()
        options.apiKey = apiKey
        let participation = try StudyParticipation(database: StudyDatabase(path: path))
        let scores = try StudyModelScores.score(participation.database, detector: ServerTests.detector, name: "default detector")
        let routes = StudyRoutes(participation: participation, model: scores, apiKey: apiKey)
        return (DetectorServer(detector: ServerTests.detector, options: options, card: ModelCard.json(ServerTests.loaded), study: routes), routes)
    }

    private func run(_ server: DetectorServer, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "discern-test")
        logger.logLevel = .critical
        try await Application(router: server.router(), logger: logger).test(.live) { try await body($0) }
    }

    private func json(_ r: TestResponse) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any], String(buffer: r.body))
    }

    /// Everything a response carries, as text: status line stand-in, headers and body.
    private func text(_ r: TestResponse) -> String {
        r.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n" + String(decoding: Data(buffer: r.body), as: UTF8.self)
    }

    /// What must not reach the browser before the image is answered.
    private func secrets(_ image: StudyDatabase.Image) -> [String] {
        [image.label, image.path, (image.path as NSString).lastPathComponent, image.sha256, String(image.sha256.prefix(16)), image.source]
            + [image.generator, image.camera].compactMap { $0 }
    }

    func testAParticipantAnswersEveryImageWithoutEverSeeingALabel() async throws {
        let (server, routes) = try server()
        let images = try routes.participation.database.images()
        let byToken = Dictionary(uniqueKeysWithValues: images.map { ($0.token, $0) })
        try await run(server) { client in
            // The page itself names no class and no image.
            try await client.execute(uri: "/study", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                let page = self.text(r)
                XCTAssertFalse(page.contains("REAL") || page.contains("FAKE"))
                for image in images { XCTAssertFalse(page.contains(image.token)) }
            }
            // No session: refused.
            try await client.execute(uri: "/study/api/next", method: .get) { XCTAssertEqual($0.status, .unauthorized) }
            let cookieHeader = try await client.execute(uri: "/study/api/session", method: .post) { r -> String in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(try self.json(r)["total"] as? Int, 8)
                let setCookie = try XCTUnwrap(r.headers[.setCookie])
                XCTAssertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie)
                return String(setCookie.split(separator: ";")[0])
            }
            let cookie: HTTPFields = [.cookie: cookieHeader]
            var mine = 0, order: [String] = []
            for k in 0..<8 {
                let token = try await client.execute(uri: "/study/api/next", method: .get, headers: cookie) { r -> String in
                    let next = try self.json(r)
                    XCTAssertEqual(next["position"] as? Int, k + 1)
                    return try XCTUnwrap(next["token"] as? String)
                }
                let image = try XCTUnwrap(byToken[token])
                // Before the answer: neither the next-image answer nor the image bytes carry the label or the origin.
                try await client.execute(uri: "/study/api/next", method: .get, headers: cookie) { r in
                    for secret in self.secrets(image) { XCTAssertFalse(self.text(r).contains(secret), secret) }
                }
                try await client.execute(uri: "/study/image?id=\(token)", method: .get, headers: cookie) { r in
                    XCTAssertEqual(r.status, .ok)
                    XCTAssertEqual(r.headers[.contentType], "image/png")
                    let bytes = Data(buffer: r.body)
                    XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
                    for chunk in ["tEXt", "iTXt", "zTXt", "eXIf"] { XCTAssertNil(bytes.range(of: Data(chunk.utf8)), chunk) }
                    let shown = try ImageDecoder.decode(bytes)
                    let original = try ImageDecoder.decode(try routes.participation.database.originalBytes(image.id))
                    XCTAssertEqual(shown.pixels, original.pixels)   // the same pixels, no metadata
                    for secret in self.secrets(image) { XCTAssertFalse(r.headers.contains { $0.value.contains(secret) }, secret) }
                }
                // Not the shown image: refused.
                if let other = images.first(where: { $0.token != token && !order.contains($0.token) }) {
                    try await client.execute(uri: "/study/api/answer", method: .post, headers: cookie,
                                             body: ByteBuffer(string: #"{"image": "\#(other.token)", "answer": "ai", "confidence": 70}"#)) { r in
                        XCTAssertEqual(r.status, .badRequest)
                        for secret in self.secrets(image) + self.secrets(other) { XCTAssertFalse(self.text(r).contains(secret), secret) }
                    }
                }
                try await client.execute(uri: "/study/api/session", method: .post, headers: cookie) { r in
                    for secret in self.secrets(image) { XCTAssertFalse(self.text(r).contains(secret), secret) }
                }
                let answer = k % 3 == 0 ? "real" : "ai"
                if (answer == "real") == (image.label == "REAL") { mine += 1 }
                let body = ByteBuffer(string: #"{"image": "\#(token)", "answer": "\#(answer)", "confidence": \#(50 + 5 * k)}"#)
                try await client.execute(uri: "/study/api/answer", method: .post, headers: cookie, body: body) { r in
                    XCTAssertEqual(r.status, .ok, String(buffer: r.body))
                    XCTAssertEqual(try self.json(r)["answered"] as? Int, k + 1)
                    for secret in self.secrets(image) { XCTAssertFalse(self.text(r).contains(secret), secret) }
                }
                // The same answer twice: 409, stored once.
                try await client.execute(uri: "/study/api/answer", method: .post, headers: cookie, body: body) { r in
                    XCTAssertEqual(r.status, .conflict)
                    XCTAssertFalse(self.text(r).contains(image.label))
                }
                order.append(token)
            }
            XCTAssertEqual(Set(order).count, 8)
            // Bad bodies: not JSON, too large, a confidence out of range.
            try await client.execute(uri: "/study/api/answer", method: .post, headers: cookie, body: ByteBuffer(string: "answer=real")) {
                XCTAssertEqual($0.status, .badRequest)
            }
            try await client.execute(uri: "/study/api/answer", method: .post, headers: cookie,
                                     body: ByteBuffer(string: String(repeating: " ", count: 5000))) { XCTAssertEqual($0.status, .contentTooLarge) }
            try await client.execute(uri: "/study/api/next", method: .get, headers: cookie) { XCTAssertEqual(try self.json($0)["done"] as? Bool, true) }
            let modelRight = images.filter { routes.model.decision($0.id) == $0.label }.count
            try await client.execute(uri: "/study/api/result", method: .get, headers: cookie) { r in
                let result = try self.json(r)
                XCTAssertEqual((result["you"] as? [String: Any])?["correct"] as? Int, mine)
                XCTAssertEqual((result["model"] as? [String: Any])?["correct"] as? Int, modelRight)
                XCTAssertEqual((result["model"] as? [String: Any])?["total"] as? Int, 8)
            }
            // Admin: the key is needed; with it, every answer as CSV; closing stops new answers (410).
            try await client.execute(uri: "/study/api/export", method: .get) { XCTAssertEqual($0.status, .unauthorized) }
            try await client.execute(uri: "/study/api/export", method: .get, headers: [.authorization: "Bearer admin-key"]) { r in
                XCTAssertEqual(r.status, .ok)
                let lines = String(buffer: r.body).split(separator: "\r\n")
                XCTAssertEqual(lines.count, 9)
                XCTAssertEqual(lines.first.map(String.init), StudyExport.columns.joined(separator: ","))
            }
            // A participant who started before the close gets 410 for an answer after it.
            let other = try await client.execute(uri: "/study/api/session", method: .post) { String($0.headers[.setCookie]!.split(separator: ";")[0]) }
            let first = try await client.execute(uri: "/study/api/next", method: .get, headers: [.cookie: other]) { try self.json($0)["token"] as! String }
            try await client.execute(uri: "/study/api/close", method: .post, headers: [.authorization: "Bearer admin-key"]) { XCTAssertEqual($0.status, .ok) }
            try await client.execute(uri: "/study/api/answer", method: .post, headers: [.cookie: other],
                                     body: ByteBuffer(string: #"{"image": "\#(first)", "answer": "ai", "confidence": 70}"#)) { XCTAssertEqual($0.status, .gone) }
            // A new visitor of a closed study gets no session; the participant who finished still sees their score.
            try await client.execute(uri: "/study/api/session", method: .post) { r in
                XCTAssertEqual(try self.json(r)["open"] as? Bool, false)
                XCTAssertNil(r.headers[.setCookie])
            }
            try await client.execute(uri: "/study/api/session", method: .post, headers: cookie) { r in
                XCTAssertEqual(try self.json(r)["done"] as? Bool, true)
            }
        }
        XCTAssertEqual(try StudyDatabase(path: path).answers().count, 8)
    }

    /// A participant stops after three answers; the server is replaced by a new one on the same file (a restart); the
    /// participant resumes where they were and every answer is in the database once. Admin routes without a key are off.
    func testAnswersSurviveARestartAndAdminRoutesNeedAKey() async throws {
        let (first, _) = try server(apiKey: nil)
        let state = Box()
        try await run(first) { client in
            state.cookie = try await client.execute(uri: "/study/api/session", method: .post) { String($0.headers[.setCookie]!.split(separator: ";")[0]) }
            for _ in 0..<3 {
                let token = try await client.execute(uri: "/study/api/next", method: .get, headers: [.cookie: state.cookie]) { try self.json($0)["token"] as! String }
                try await client.execute(uri: "/study/api/answer", method: .post, headers: [.cookie: state.cookie],
                                         body: ByteBuffer(string: #"{"image": "\#(token)", "answer": "real", "confidence": 90}"#)) { XCTAssertEqual($0.status, .ok) }
            }
            try await client.execute(uri: "/study/api/export", method: .get) { XCTAssertEqual($0.status, .forbidden) }
        }
        let (second, _) = try server(apiKey: nil)
        try await run(second) { client in
            try await client.execute(uri: "/study/api/session", method: .post, headers: [.cookie: state.cookie]) { r in
                XCTAssertEqual(try self.json(r)["answered"] as? Int, 3)
                XCTAssertEqual(String(r.headers[.setCookie]!.split(separator: ";")[0]), state.cookie)
            }
            while true {
                let next = try await client.execute(uri: "/study/api/next", method: .get, headers: [.cookie: state.cookie]) { try self.json($0)["token"] as? String }
                guard let token = next else { break }
                try await client.execute(uri: "/study/api/answer", method: .post, headers: [.cookie: state.cookie],
                                         body: ByteBuffer(string: #"{"image": "\#(token)", "answer": "ai", "confidence": 55}"#)) { XCTAssertEqual($0.status, .ok) }
            }
        }
        let answers = try StudyDatabase(path: path).answers()
        XCTAssertEqual(answers.count, 8)
        XCTAssertEqual(Set(answers.map(\.imageID)).count, 8)
        XCTAssertEqual(answers.filter { $0.answer == "REAL" }.count, 3)
    }

    /// A participant asking faster than 20 requests a second past a burst of 60 gets 429 with Retry-After; so does the
    /// 201st new participant in a burst. Made-up cookies get 401 once their budget allows a look.
    func testRateLimits() async throws {
        let (server, _) = try server()
        try await run(server) { client in
            let cookie = try await client.execute(uri: "/study/api/session", method: .post) { String($0.headers[.setCookie]!.split(separator: ";")[0]) }
            var limited = 0
            for _ in 0..<120 {
                try await client.execute(uri: "/study/api/next", method: .get, headers: [.cookie: cookie]) { r in
                    if r.status == .tooManyRequests {
                        limited += 1
                        XCTAssertEqual(r.headers[.retryAfter], "1")
                    } else { XCTAssertEqual(r.status, .ok) }
                }
            }
            XCTAssertGreaterThan(limited, 0)
            XCTAssertLessThan(limited, 60)
            var refused = 0
            for _ in 0..<260 {
                try await client.execute(uri: "/study/api/session", method: .post) { r in if r.status == .tooManyRequests { refused += 1 } }
            }
            XCTAssertGreaterThan(refused, 0)
            try await client.execute(uri: "/study/api/next", method: .get, headers: [.cookie: "discern_study=\(String(repeating: "0", count: 32))"]) {
                XCTAssertEqual($0.status, .unauthorized)
            }
        }
    }
}

private final class Box: @unchecked Sendable { var cookie = "" }
