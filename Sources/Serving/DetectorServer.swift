import Foundation
import Hummingbird
import HummingbirdCore
import Imaging
import Inference
import NIOCore
import NIOHTTPTypes

/// `discern serve`: the HTTP API and web page around one loaded detector.
///
/// Routes: `GET /` (web page), `GET /healthz`, `GET /metrics` (Prometheus), `GET /openapi.yaml`,
/// `GET /v1/model` (model card), `POST /v1/classify` (raw image body, or `multipart/form-data` with
/// one or more files; `?heatmap=1` adds per-tile overlays). The spec in `Resources/openapi.yaml`
/// documents each answer; `ServingTests` hold the server to it.
public struct DetectorServer: Sendable {
    /// Decodes, scores and judges the uploads of `/v1/classify`.
    public let judge: ImageJudge
    /// The Prometheus counters and histograms served at `/metrics`.
    public let metrics: ServerMetrics
    /// The address, limits and batching settings the server runs with.
    public let options: ServeOptions
    /// The model card served at `/v1/model`.
    public let card: [String: String]
    /// The "Real or AI?" study served under `/study` (`serve --study`), if any.
    public let study: StudyRoutes?

    /// - Precondition: `detector.isBinary` (answers carry p_fake and the unsure band; `discern serve` checks first).
    public init(detector: Detector, options: ServeOptions, card: [String: String], study: StudyRoutes? = nil) {
        precondition(detector.isBinary, "DetectorServer serves REAL/FAKE models only")
        let metrics = ServerMetrics()
        let batcher = InferenceBatcher(detector: detector, maxBatch: options.maxBatch, capacity: options.queueCapacity, wait: options.batchWait)
        batcher.onBatch = { metrics.batch($0) }
        self.judge = ImageJudge(detector: detector, batcher: batcher, options: options)
        self.metrics = metrics
        self.options = options
        self.card = card
        self.study = study
    }

    /// Paths the router serves (the OpenAPI spec must list exactly these).
    public static let routes: [(method: String, path: String)] = [
        ("get", "/"), ("get", "/healthz"), ("get", "/metrics"), ("get", "/openapi.yaml"), ("get", "/v1/model"), ("post", "/v1/classify"),
    ]

    /// Pages served without the API key; every other path, however spelled, needs it.
    public static let publicPaths: Set<String> = ["/", "/healthz", "/metrics", "/openapi.yaml"]

    /// The router with every route and middleware.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ErrorAndMetricsMiddleware(metrics: metrics))
        if let key = options.apiKey {
            router.add(middleware: APIKeyMiddleware(key: key, publicPaths: Self.publicPaths.union(study == nil ? [] : StudyRoutes.publicPaths)))
        }
        study?.add(to: router)
        let page = Self.resource("index", "html"), spec = Self.resource("openapi", "yaml")
        router.get("/") { _, _ in try Self.body(page, type: "text/html; charset=utf-8") }
        router.get("/openapi.yaml") { _, _ in try Self.body(spec, type: "application/yaml") }
        router.get("/healthz") { _, _ in
            try Self.json(["status": "ok", "queued_images": judge.batcher.queuedImages, "pixels_in_flight": judge.pixels.inUse])
        }
        router.get("/metrics") { _, _ in Self.body(Data(metrics.text().utf8), type: "text/plain; version=0.0.4") }
        router.get("/v1/model") { _, _ in try Self.json(card) }
        router.post("/v1/classify") { request, _ in
            let heatmap = ["1", "true", "yes"].contains(request.uri.queryParameters.get("heatmap") ?? "")
            let contentType = request.headers[.contentType] ?? ""
            let limit = options.maxBodyBytes
            let body = try await withTimeout(options.timeout, status: .requestTimeout, "sending the body") {
                Data(buffer: try await request.body.collect(upTo: limit))
            }
            return try await withTimeout(options.timeout) {
                try await classify(body: body, contentType: contentType, heatmap: heatmap)
            }
        }
        return router
    }

    private func classify(body: Data, contentType: String, heatmap: Bool) async throws -> Response {
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if mediaType == "multipart/form-data" {
            let uploads = try Self.multipartFiles(body, contentType: contentType, maxParts: options.maxImagesPerRequest)
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

    /// The file parts of a multipart/form-data body as (file name or field name, bytes); see `MultipartBody`.
    /// More than `maxParts` parts of any kind is `ServeError.tooManyImages` (413).
    public static func multipartFiles(_ body: Data, contentType: String, maxParts: Int = .max) throws -> [(name: String, data: Data)] {
        guard let boundary = contentType.split(separator: ";").lazy.map({ $0.trimmingCharacters(in: .whitespaces) })
            .first(where: { $0.lowercased().hasPrefix("boundary=") })?.dropFirst(9).trimmingCharacters(in: CharacterSet(charactersIn: "\"")),
            !boundary.isEmpty else {
            throw HTTPError(.badRequest, message: "multipart/form-data without a boundary")
        }
        let parts: [MultipartBody.Part]
        do { parts = try MultipartBody.parts(of: body, boundary: boundary, maxParts: maxParts) } catch let e as MultipartBody.Failure {
            switch e {
            case let .tooManyParts(limit): throw ServeError.tooManyImages(count: limit + 1, limit: limit)
            case let .malformed(reason): throw HTTPError(.badRequest, message: "malformed multipart body: \(reason)")
            }
        }
        return parts.compactMap { part in
            (part.filename ?? (part.contentType != nil ? (part.name ?? "part") : nil)).map { ($0, part.data) }
        }
    }

    struct MultiAnswer: Encodable {
        struct Failed: Encodable { let path: String; let error: String; let kind: String }
        let results: [Judgement]
        let errors: [Failed]
    }

    static func encoded(_ value: some Encodable) throws -> Response {
        body(try Judgement.jsonEncoder().encode(value), type: "application/json")
    }

    /// A JSON answer; a value that cannot be serialised is a 500, never an empty 200.
    static func json(_ object: [String: Any]) throws -> Response {
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            throw HTTPError(.internalServerError, message: "the answer could not be encoded as JSON")
        }
        return body(data, type: "application/json")
    }

    static func body(_ data: Data, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A page bundled with this build, or a 500 naming what is missing (never a 200 with a placeholder).
    static func body(_ resource: Data?, type: String) throws -> Response {
        guard let resource else { throw HTTPError(.internalServerError, message: "a bundled resource is missing from this build") }
        return body(resource, type: type)
    }

    static func resource(_ name: String, _ ext: String) -> Data? {
        Bundle.module.url(forResource: name, withExtension: ext).flatMap { try? Data(contentsOf: $0) }
    }

    /// The HTTP/1.1 server: idle and slow-header connections close after `idleTimeout`, `Expect: 100-continue`
    /// is answered, and at most `maxConnections` connections are open at once.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let maxBody = options.maxBodyBytes
        let http = HTTP1Channel.Configuration(additionalChannelHandlers: [ContinueHandler(maxBodyBytes: maxBody)],
                                              idleTimeout: .milliseconds(Int64(options.idleTimeout * 1000)))
        return Application(router: router(), server: .http1(configuration: http),
                           configuration: .init(address: .hostname(options.host, port: options.port), serverName: "discern",
                                                availableConnectionsDelegate: MaximumAvailableConnections(options.maxConnections)),
                           onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
    }

    /// Runs the server until SIGTERM or SIGINT; in-flight requests finish first (graceful shutdown).
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onRunning: onRunning).runService()
        judge.batcher.shutdown()
    }
}

extension DetectorServer {
    /// `path` as one spelling: percent-escapes decoded, empty and `.` segments dropped, `..` applied, a leading `/`.
    /// `//v1///model/`, `/./v1/%6dodel` and `/x/../v1/model` all become `/v1/model`.
    public static func canonicalPath(_ path: String) -> String {
        let raw = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        var segments: [String] = []
        for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
            let segment = String(part).removingPercentEncoding ?? String(part)
            switch segment {
            case "", ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        return "/" + segments.joined(separator: "/")
    }
}
