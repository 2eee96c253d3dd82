import Evaluation
import Foundation
import Hummingbird
import Imaging
import MultipartKit

/// `discern serve`: the HTTP API and web page around one loaded detector.
///
/// Routes: `GET /` (web page), `GET /healthz`, `GET /metrics` (Prometheus), `GET /openapi.yaml`,
/// `GET /v1/model` (model card), `POST /v1/classify` (raw image body, or `multipart/form-data` with
/// one or more files; `?heatmap=1` adds per-tile overlays). The spec in `Resources/openapi.yaml`
/// documents each answer; `ServingTests` hold the server to it.
public struct DetectorServer: Sendable {
    public let judge: ImageJudge
    public let metrics: ServerMetrics
    public let options: ServeOptions
    /// The model card served at `/v1/model`.
    public let card: [String: String]

    /// - Precondition: `detector.isBinary` (answers carry p_fake and the unsure band; `discern serve` checks first).
    public init(detector: Detector, options: ServeOptions, card: [String: String]) {
        precondition(detector.isBinary, "DetectorServer serves REAL/FAKE models only")
        let metrics = ServerMetrics()
        let batcher = InferenceBatcher(detector: detector, maxBatch: options.maxBatch, capacity: options.queueCapacity, wait: options.batchWait)
        batcher.onBatch = { metrics.batch($0) }
        self.judge = ImageJudge(detector: detector, batcher: batcher, options: options)
        self.metrics = metrics
        self.options = options
        self.card = card
    }

    /// Paths the router serves (the OpenAPI spec must list exactly these).
    public static let routes: [(method: String, path: String)] = [
        ("get", "/"), ("get", "/healthz"), ("get", "/metrics"), ("get", "/openapi.yaml"), ("get", "/v1/model"), ("post", "/v1/classify"),
    ]

    /// The router with every route and middleware.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ErrorAndMetricsMiddleware(metrics: metrics))
        if let key = options.apiKey { router.add(middleware: APIKeyMiddleware(key: key)) }
        let page = Self.resource("index", "html"), spec = Self.resource("openapi", "yaml")
        router.get("/") { _, _ in Self.body(page, type: "text/html; charset=utf-8") }
        router.get("/openapi.yaml") { _, _ in Self.body(spec, type: "application/yaml") }
        router.get("/healthz") { _, _ in
            Self.json(["status": "ok", "queued_images": judge.batcher.queuedImages])
        }
        router.get("/metrics") { _, _ in Self.body(Data(metrics.text().utf8), type: "text/plain; version=0.0.4") }
        router.get("/v1/model") { _, _ in Self.json(card) }
        router.post("/v1/classify") { request, _ in
            let heatmap = ["1", "true", "yes"].contains(request.uri.queryParameters.get("heatmap") ?? "")
            let contentType = request.headers[.contentType] ?? ""
            let limit = options.maxBodyBytes
            return try await withTimeout(options.timeout) {
                let body = Data(buffer: try await request.body.collect(upTo: limit))
                return try await classify(body: body, contentType: contentType, heatmap: heatmap)
            }
        }
        return router
    }

    private func classify(body: Data, contentType: String, heatmap: Bool) async throws -> Response {
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if mediaType == "multipart/form-data" {
            let uploads = try Self.multipartFiles(body, contentType: contentType)
            guard !uploads.isEmpty else { throw HTTPError(.badRequest, message: "multipart body has no file parts") }
            let results = try await judge.judge(uploads, heatmap: heatmap)
            let good = results.compactMap { try? $0.get() }
            let bad = results.compactMap { r -> ImageJudge.Failure? in if case let .failure(f) = r { return f } else { return nil } }
            if good.isEmpty, let first = bad.first { throw first }
            metrics.classified(good.count)
            return try Self.encoded(MultiAnswer(results: good, errors: bad.map { .init(path: $0.name, error: $0.error.description, kind: $0.error.kind) }))
        }
        guard mediaType.isEmpty || mediaType.hasPrefix("image/") || mediaType == "application/octet-stream"
                // curl --data-binary sends this by default; the bytes are sniffed either way.
                || mediaType == "application/x-www-form-urlencoded" else {
            throw HTTPError(.unsupportedMediaType, message: "send an image (image/jpeg, image/png) or multipart/form-data, not \(mediaType)")
        }
        guard !body.isEmpty else { throw HTTPError(.badRequest, message: "empty body: send the image bytes") }
        let result = try await judge.judge([("upload", body)], heatmap: heatmap)[0].get()
        metrics.classified(1)
        return try Self.encoded(result)
    }

    /// The file parts of a multipart/form-data body as (file name or field name, bytes).
    static func multipartFiles(_ body: Data, contentType: String) throws -> [(name: String, data: Data)] {
        guard let boundary = contentType.split(separator: ";").lazy.map({ $0.trimmingCharacters(in: .whitespaces) })
            .first(where: { $0.lowercased().hasPrefix("boundary=") })?.dropFirst(9).trimmingCharacters(in: CharacterSet(charactersIn: "\"")),
            !boundary.isEmpty else {
            throw HTTPError(.badRequest, message: "multipart/form-data without a boundary")
        }
        let parser = MultipartParser(boundary: boundary)
        var parts: [(name: String, data: Data)] = []
        var headers: [String: String] = [:], current = Data()
        parser.onHeader = { field, value in headers[field.lowercased()] = value }
        parser.onBody = { buffer in current.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            let disposition = headers["content-disposition"] ?? ""
            func parameter(_ key: String) -> String? {
                disposition.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                    .first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
            if let name = parameter("filename") ?? (headers["content-type"].map { _ in parameter("name") ?? "part" }) {
                parts.append((name, current))
            }
            headers = [:]
            current = Data()
        }
        do { try parser.execute(ByteBuffer(bytes: body)) } catch {
            throw HTTPError(.badRequest, message: "malformed multipart body: \(error)")
        }
        return parts
    }

    struct MultiAnswer: Encodable {
        struct Failed: Encodable { let path: String; let error: String; let kind: String }
        let results: [Judgement]
        let errors: [Failed]
    }

    static func encoded(_ value: some Encodable) throws -> Response {
        body(try Judgement.jsonEncoder().encode(value), type: "application/json")
    }

    static func json(_ object: [String: Any]) -> Response {
        body((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data(), type: "application/json")
    }

    static func body(_ data: Data, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func resource(_ name: String, _ ext: String) -> Data {
        Bundle.module.url(forResource: name, withExtension: ext).flatMap { try? Data(contentsOf: $0) } ?? Data("\(name).\(ext) missing from this build".utf8)
    }

    /// Runs the server until SIGTERM or SIGINT; in-flight requests finish first (graceful shutdown).
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(router: router(), configuration: .init(address: .hostname(options.host, port: options.port), serverName: "discern"),
                              onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
        try await app.runService()
        judge.batcher.shutdown()
    }
}
