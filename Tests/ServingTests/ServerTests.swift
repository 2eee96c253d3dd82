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
import Yams

/// `discern serve` over real loopback HTTP (HummingbirdTesting's live mode: the server binds a port,
/// a NIO HTTP client talks to it). The shipped detector judges CIFAKE sample images.
final class ServerTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let loaded = try! LoadedModel(repo.appendingPathComponent("Sources/discern/Resources/default-detector.safetensors"))
    static let detector = try! Detector(loaded)

    private func server(_ configure: (inout ServeOptions) -> Void = { _ in }) -> DetectorServer {
        var options = ServeOptions()
        configure(&options)
        return DetectorServer(detector: Self.detector, options: options, card: ModelCard.json(Self.loaded))
    }

    private func test(_ server: DetectorServer, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        // Quiet: the access and error logs are checked by scripts/bench/serve_hostile.sh, not here.
        var logger = Logger(label: "discern-test")
        logger.logLevel = .critical
        let app = Application(router: server.router(), logger: logger)
        try await app.test(.live) { client in try await body(client) }
    }

    private func sample(_ label: String, _ index: Int = 0) throws -> (name: String, data: Data) {
        let dir = sharedDataURL("cifake/sample/\(label)")
        let name = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()[index]
        return (name, try Data(contentsOf: dir.appendingPathComponent(name)))
    }

    private func json(_ response: TestResponse) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any], String(buffer: response.body))
    }

    private func multipart(_ files: [(name: String, data: Data)], boundary: String = "discern-test-boundary") -> (ByteBuffer, HTTPFields) {
        var body = Data()
        for f in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(f.name)\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8))
            body.append(f.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return (ByteBuffer(bytes: body), [.contentType: "multipart/form-data; boundary=\(boundary)"])
    }

    func testRawImageAnswersTheSameAsTheDetector() async throws {
        let image = try sample("FAKE")
        let decoded = try ImageDecoder.decode(image.data, path: image.name)
        let expected = Self.detector.pFake([decoded])[0]
        try await test(server()) { client in
            try await client.execute(uri: "/v1/classify", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: image.data)) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(r.headers[.contentType], "application/json")
                let answer = try self.json(r)
                XCTAssertEqual(answer["p_fake"] as? Double ?? -1, expected, accuracy: 1e-12)
                XCTAssertEqual(answer["verdict"] as? String, Self.detector.verdict(pFake: expected, evidence: []).0.rawValue)
                XCTAssertEqual(answer["width"] as? Int, 32)
                XCTAssertEqual(answer["path"] as? String, "upload")
                XCTAssertNil(answer["heatmap"])
            }
        }
    }

    /// A gpt-image-1 PNG with Content Credentials and Adobe's photo with a broken claim signature, in one request: the
    /// signed AI claim decides (reason "content credentials", naming OpenAI); the broken manifest is reported as such.
    func testContentCredentialsDecideAndABrokenManifestDoesNot() async throws {
        let openai = try Data(contentsOf: sharedDataURL("metadata/c2pa/openai-gpt-image-1-vinyl-input.png"))
        let broken = try Data(contentsOf: sharedDataURL("metadata/c2pa/adobe-20220124-E-sig-CA.jpg"))
        let (body, headers) = multipart([("openai.png", openai), ("broken.jpg", broken)])
        try await test(server()) { client in
            try await client.execute(uri: "/v1/classify", method: .post, headers: headers, body: body) { r in
                XCTAssertEqual(r.status, .ok)
                let results = try XCTUnwrap(try self.json(r)["results"] as? [[String: Any]], String(buffer: r.body))
                XCTAssertEqual(results.count, 2)
                XCTAssertEqual(results[0]["verdict"] as? String, "FAKE")
                XCTAssertEqual(results[0]["reason"] as? String, "content credentials (signed by OpenAI)")
                XCTAssertFalse((results[1]["reason"] as? String ?? "").hasPrefix("content credentials"), "\(results[1])")
                XCTAssertTrue("\(results[1]["evidence"] ?? "")".contains("manifest BROKEN (claimSignature.mismatch)"), "\(results[1])")
            }
        }
    }

    func testMultipartJudgesEveryFileAndListsTheBadOnes() async throws {
        let files: [(name: String, data: Data)] = [try sample("REAL", 0), try sample("FAKE", 1), ("notes.jpg", Data("just text".utf8))]
        let (body, headers) = multipart(files)
        try await test(server()) { client in
            try await client.execute(uri: "/v1/classify", method: .post, headers: headers, body: body) { r in
                XCTAssertEqual(r.status, .ok)
                let answer = try self.json(r)
                let results = try XCTUnwrap(answer["results"] as? [[String: Any]])
                XCTAssertEqual(results.map { $0["path"] as? String }, [files[0].name, files[1].name])
                let errors = try XCTUnwrap(answer["errors"] as? [[String: Any]])
                XCTAssertEqual(errors.count, 1)
                XCTAssertEqual(errors.first?["path"] as? String, "notes.jpg")
                XCTAssertEqual(errors.first?["kind"] as? String, "unknown-format")
            }
        }
    }

    func testHeatmapIsAPNGDataURL() async throws {
        let image = try sample("FAKE")
        try await test(server()) { client in
            try await client.execute(uri: "/v1/classify?heatmap=1", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: image.data)) { r in
                XCTAssertEqual(r.status, .ok)
                let url = try XCTUnwrap(try self.json(r)["heatmap"] as? String)
                XCTAssertTrue(url.hasPrefix("data:image/png;base64,"))
                let png = try XCTUnwrap(Data(base64Encoded: String(url.dropFirst("data:image/png;base64,".count))))
                XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
                // Drawn in memory: the 32x32 upload scaled to 512 px, plus the 30 px caption strip.
                let map = try ImageDecoder.decode(png, path: "heatmap.png")
                XCTAssertEqual([map.width, map.height], [512, 542])
            }
        }
    }

    func testInfoEndpoints() async throws {
        try await test(server()) { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(try self.json(r)["status"] as? String, "ok")
            }
            try await client.execute(uri: "/v1/model", method: .get) { r in
                let card = try self.json(r)
                XCTAssertEqual(card["architecture"] as? String, Self.loaded.metadata.architecture)
                XCTAssertEqual(card["classes"] as? String, "REAL,FAKE")
                XCTAssertNotNil(card["temperature"])
                XCTAssertNil(card["dropout_states"])
            }
            try await client.execute(uri: "/", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(r.headers[.contentType], "text/html; charset=utf-8")
                let html = String(buffer: r.body)
                XCTAssertTrue(html.contains("Drop images here") && html.contains("/v1/classify"))
                XCTAssertFalse(html.contains("https://"), "the page must not load anything from elsewhere")
            }
            try await client.execute(uri: "/v1/classify", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: try self.sample("REAL").data)) { _ in }
            try await client.execute(uri: "/nowhere", method: .get) { r in XCTAssertEqual(r.status, .notFound) }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                XCTAssertTrue(text.contains("discern_images_classified_total 1"), text)
                XCTAssertTrue(text.contains(#"discern_requests_total{route="/v1/classify",status="200"} 1"#), text)
                XCTAssertTrue(text.contains(#"discern_errors_total{status="404"} 1"#), text)
                XCTAssertTrue(text.contains("discern_request_duration_seconds_bucket"), text)
                XCTAssertTrue(text.contains("discern_inference_batch_images_count 1"), text)
            }
        }
    }

    func testOpenAPISpecListsExactlyTheServedRoutes() async throws {
        try await test(server()) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                let spec = try XCTUnwrap(try Yams.load(yaml: String(buffer: r.body)) as? [String: Any])
                XCTAssertEqual((spec["openapi"] as? String)?.prefix(2), "3.")
                let paths = try XCTUnwrap(spec["paths"] as? [String: [String: Any]])
                let documented = Set(paths.flatMap { path, ops in ops.keys.map { "\($0) \(path)" } })
                XCTAssertEqual(documented, Set((DetectorServer.routes + StudyRoutes.routes).map { "\($0.method) \($0.path)" }))
                let classify = try XCTUnwrap(paths["/v1/classify"]?["post"] as? [String: Any])
                let codes = Set((classify["responses"] as? [String: Any] ?? [:]).keys)
                XCTAssertEqual(codes, ["200", "400", "401", "405", "408", "413", "415", "503"])
            }
        }
    }

    func testErrorStatusesHaveJSONBodies() async throws {
        let bad = Self.repo.appendingPathComponent("Tests/Fixtures/bad/REAL")
        let cases: [(String, HTTPFields, Data, HTTPResponse.Status)] = [
            ("empty body", [.contentType: "image/jpeg"], Data(), .badRequest),
            ("text content type", [.contentType: "text/plain"], Data("hello".utf8), .unsupportedMediaType),
            ("json content type", [.contentType: "application/json"], Data("{}".utf8), .unsupportedMediaType),
            ("not an image", [.contentType: "image/jpeg"], Data("GIF89a not really".utf8), .unsupportedMediaType),
            ("truncated JPEG", [.contentType: "image/jpeg"], try Data(contentsOf: bad.appendingPathComponent("truncated.jpg")), .badRequest),
            ("too many pixels", [.contentType: "image/png"], try Data(contentsOf: bad.appendingPathComponent("huge_header.png")), .contentTooLarge),
            ("body too large", [.contentType: "image/jpeg"], Data(count: 3000), .contentTooLarge),
            ("multipart without boundary", [.contentType: "multipart/form-data"], Data("x".utf8), .badRequest),
        ]
        try await test(server { $0.maxBodyBytes = 2048 }) { client in
            for (name, headers, body, status) in cases {
                try await client.execute(uri: "/v1/classify", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { r in
                    XCTAssertEqual(r.status, status, name)
                    XCTAssertEqual(r.headers[.contentType], "application/json", name)
                    let answer = try self.json(r)
                    XCTAssertEqual(answer["status"] as? Int, Int(status.code), name)
                    XCTAssertFalse((answer["error"] as? String ?? "").isEmpty, name)
                }
            }
            try await client.execute(uri: "/healthz", method: .get) { r in XCTAssertEqual(r.status, .ok) }
        }
    }

    func testHostileCorpusGets4xxAndTheServerStaysHealthy() async throws {
        let dir = Self.repo.appendingPathComponent("Tests/Fixtures/bad/REAL")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix("good") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 7)
        try await test(server()) { client in
            for name in files {
                let data = try Data(contentsOf: dir.appendingPathComponent(name))
                for type in ["image/jpeg", "image/png", "application/octet-stream"] {
                    try await client.execute(uri: "/v1/classify", method: .post, headers: [.contentType: type], body: ByteBuffer(bytes: data)) { r in
                        XCTAssertTrue((400..<500).contains(Int(r.status.code)), "\(name) as \(type): \(r.status)")
                    }
                }
            }
            try await client.execute(uri: "/healthz", method: .get) { r in XCTAssertEqual(r.status, .ok) }
            try await client.execute(uri: "/v1/classify", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: try self.sample("REAL").data)) { r in
                XCTAssertEqual(r.status, .ok)
            }
        }
    }

    func testAPIKeyGuardsV1Routes() async throws {
        let image = try sample("REAL").data
        try await test(server { $0.apiKey = "s3cret" }) { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer wrong"], [.authorization: "s3cret"]] {
                try await client.execute(uri: "/v1/classify", method: .post, headers: headers, body: ByteBuffer(bytes: image)) { r in
                    XCTAssertEqual(r.status, .unauthorized)
                    XCTAssertEqual(r.headers[.wwwAuthenticate], "Bearer")
                    XCTAssertEqual(try self.json(r)["status"] as? Int, 401)
                }
            }
            try await client.execute(uri: "/v1/model", method: .get) { r in XCTAssertEqual(r.status, .unauthorized) }
            try await client.execute(uri: "/v1/classify", method: .post, headers: [.authorization: "Bearer s3cret"], body: ByteBuffer(bytes: image)) { r in
                XCTAssertEqual(r.status, .ok)
            }
            var keyed = HTTPFields()
            keyed[HTTPField.Name("X-API-Key")!] = "s3cret"
            try await client.execute(uri: "/v1/model", method: .get, headers: keyed) { r in XCTAssertEqual(r.status, .ok) }
            try await client.execute(uri: "/healthz", method: .get) { r in XCTAssertEqual(r.status, .ok) }
        }
    }

    /// No route but the public pages answers without the key, however its path is spelled (issue #30: `//v1/classify`
    /// answered 200 without a key because the router ignores empty segments).
    func testAPIKeyHoldsForEverySpellingOfEveryRoute() async throws {
        let image = try sample("REAL").data
        @Sendable func spellings(_ path: String) -> [String] {
            let tail = path.dropFirst()
            var out = [path, "/" + path, "//" + tail, "///" + tail.replacingOccurrences(of: "/", with: "///"), path + "/", path + "//",
                       "/./" + tail, "/x/../" + tail, "/healthz/../" + tail, path + "?heatmap=1", "/" + path + "?a=/healthz",
                       path.replacingOccurrences(of: "v1", with: "%76%31"), "/" + tail.replacingOccurrences(of: "/", with: "%2F"),
                       path.replacingOccurrences(of: "/v1/", with: "/v1/./"), path.uppercased()]
            if let last = tail.split(separator: "/").last { out.append(path.replacingOccurrences(of: String(last), with: "%" + String(format: "%02X", last.utf8.first!) + last.dropFirst())) }
            return out
        }
        let guarded = DetectorServer.routes.filter { !DetectorServer.publicPaths.contains($0.path) }
        XCTAssertEqual(Set(guarded.map(\.path)), ["/v1/model", "/v1/classify"])
        try await test(server { $0.apiKey = "s3cret" }) { client in
            for route in guarded {
                for uri in spellings(route.path) {
                    for method: HTTPRequest.Method in [.get, .post, .put, .delete] {
                        try await client.execute(uri: uri, method: method, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: image)) { r in
                            XCTAssertEqual(r.status, .unauthorized, "\(method) \(uri) without the key")
                        }
                    }
                }
                let method: HTTPRequest.Method = route.method == "get" ? .get : .post
                try await client.execute(uri: route.path, method: method, headers: [.authorization: "Bearer s3cret", .contentType: "image/jpeg"],
                                         body: ByteBuffer(bytes: image)) { r in XCTAssertEqual(r.status, .ok, route.path) }
            }
            for path in DetectorServer.publicPaths {
                try await client.execute(uri: path, method: .get) { r in XCTAssertEqual(r.status, .ok, path) }
            }
        }
    }

    /// Issue #30: after someone's bad upload, everyone's valid uploads still get their own answer (a JPEG whose SOF
    /// claimed 65535x65535 made 39-49 of 64 later uploads fail until restart). Every hostile file, each followed by
    /// every good one, raw and in one multipart; then `/healthz`.
    func testGoodUploadsAnswerTheSameAfterAnyBadOne() async throws {
        let good = try HostileCorpus.good().filter { ["jpeg", "png"].contains(ImageDecoder.format(of: $0.data)) }
        let bad = HostileCorpus.hostile(jpeg: good[0].data, png: try XCTUnwrap(good.first { $0.name == "png_rgb8.png" }).data)
        var scores: [String: Double] = [:]
        for g in good { scores[g.name] = Self.detector.pFake([try ImageDecoder.decode(g.data, path: g.name)])[0] }
        let alone = scores
        try await test(server()) { client in
            for b in bad {
                try await client.execute(uri: "/v1/classify", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: b.data)) { r in
                    XCTAssertTrue((400..<500).contains(Int(r.status.code)), "\(b.name): \(r.status)")
                }
                for g in good {
                    try await client.execute(uri: "/v1/classify", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: g.data)) { r in
                        XCTAssertEqual(r.status, .ok, "\(g.name) after \(b.name)")
                        XCTAssertEqual(try self.json(r)["p_fake"] as? Double ?? -1, alone[g.name]!, accuracy: 1e-6, "\(g.name) after \(b.name)")
                    }
                }
            }
            var rng = SplitMix(seed: 5)
            let mixed = (good + bad).shuffled(using: &rng)
            let (body, headers) = self.multipart(mixed)
            try await client.execute(uri: "/v1/classify", method: .post, headers: headers, body: body) { r in
                XCTAssertEqual(r.status, .ok)
                let answer = try self.json(r)
                let results = try XCTUnwrap(answer["results"] as? [[String: Any]])
                XCTAssertEqual(results.count, good.count)
                for row in results {
                    let name = row["path"] as? String ?? ""
                    XCTAssertEqual(row["p_fake"] as? Double ?? -1, alone[name] ?? -2, accuracy: 1e-6, name)
                }
                XCTAssertEqual((answer["errors"] as? [[String: Any]])?.count, bad.count)
            }
            try await client.execute(uri: "/healthz", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(try self.json(r)["pixels_in_flight"] as? Int, 0, "every reservation given back")
            }
        }
    }

    /// Limits per request (images, header pixels) answer 413 before decoding; wrong methods 405 with Allow; public
    /// routes show no training paths; every answer carries a request id.
    func testRequestLimitsMethodsAndCard() async throws {
        let image = try sample("REAL").data
        let big = try ImageDecoder.decode(image)
        try await test(server { $0.maxImagesPerRequest = 3; $0.maxRequestPixels = 3 * big.width * big.height; $0.pixelBudget = 4 * big.width * big.height }) { client in
            let (four, fourHeaders) = self.multipart(Array(repeating: (name: "a.jpg", data: image), count: 4))
            try await client.execute(uri: "/v1/classify", method: .post, headers: fourHeaders, body: four) { r in
                XCTAssertEqual(r.status, .contentTooLarge)
                XCTAssertTrue((try self.json(r)["error"] as? String ?? "").contains("4 images in one request"))
            }
            let (three, threeHeaders) = self.multipart(Array(repeating: (name: "a.jpg", data: image), count: 3))
            try await client.execute(uri: "/v1/classify", method: .post, headers: threeHeaders, body: three) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertNotNil(r.headers[HTTPField.Name("X-Request-Id")!])
            }
            // Twelve parts that are not files still count as parts.
            var body = Data()
            for _ in 0..<12 { body.append(Data("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n".utf8)) }
            body.append(Data("--b--\r\n".utf8))
            try await client.execute(uri: "/v1/classify", method: .post, headers: [.contentType: "multipart/form-data; boundary=b"], body: ByteBuffer(bytes: body)) { r in
                XCTAssertEqual(r.status, .contentTooLarge)
            }
            for (uri, method, allow) in [("/v1/classify", HTTPRequest.Method.get, "POST"), ("/v1/model", .post, "GET"), ("/healthz", .delete, "GET")] {
                try await client.execute(uri: uri, method: method) { r in
                    XCTAssertEqual(r.status, .methodNotAllowed, "\(method) \(uri)")
                    XCTAssertEqual(r.headers[.allow], allow)
                    XCTAssertEqual(try self.json(r)["status"] as? Int, 405)
                }
            }
            try await client.execute(uri: "/v1/model", method: .get) { r in
                let text = String(buffer: r.body)
                XCTAssertFalse(text.contains("runs/") || text.contains("runs\\/") || text.contains("../"), text)
            }
        }
    }

    func testFullQueueAnswers503WithRetryAfter() async throws {
        // The first request holds the only queue slot while the worker is paused; a second connection's request
        // meanwhile finds the queue full. No timing window: the test waits for the queue, then resumes the worker.
        let image = try sample("REAL").data
        let s = server { $0.queueCapacity = 1; $0.maxImagesPerRequest = 1 }
        let batcher = s.judge.batcher
        batcher.pause()
        try await test(s) { client in
            let port = try XCTUnwrap(client.port)
            async let first = client.execute(uri: "/v1/classify", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: image)) { $0.status }
            await batcher.waitUntilQueued(1)
            let second = TestClient(host: "127.0.0.1", port: port)
            second.connect()
            let r = try await second.post("/v1/classify", headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: image))
            try await second.shutdown()
            XCTAssertEqual(r.status, .serviceUnavailable)
            XCTAssertEqual(r.headers[.retryAfter], "1")
            batcher.resume()
            let status = try await first
            XCTAssertEqual(status, .ok)
        }
    }

    func testSlowRequestTimesOut() async throws {
        // The worker is paused, so the request cannot be answered before its timeout, whatever the machine's speed.
        let image = try sample("REAL").data
        let s = server { $0.timeout = 0.2 }
        s.judge.batcher.pause()
        try await test(s) { client in
            try await client.execute(uri: "/v1/classify", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: image)) { r in
                XCTAssertEqual(r.status, .serviceUnavailable)
                XCTAssertTrue((try self.json(r)["error"] as? String ?? "").contains("longer than"))
            }
        }
        s.judge.batcher.resume()
    }
}
