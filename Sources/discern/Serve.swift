import ArgumentParser
import Foundation
import Inference
import Provenance
import Serving
import Study

/// `discern serve`: the detector behind an HTTP API and a web page.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the detector over HTTP: JSON API, web page, metrics, OpenAPI spec.",
        discussion: """
            Routes: GET / (drag-and-drop page), POST /v1/classify (raw image body or multipart/form-data; ?heatmap=1), \
            GET /v1/model, GET /healthz, GET /metrics (Prometheus), GET /openapi.yaml.
            Concurrent requests share forward passes (micro-batching); a full queue answers 503 with Retry-After. \
            Uploads are decoded on their own threads within a pixel budget shared by all requests; every request is \
            logged to stderr with its id (also sent as X-Request-Id). \
            SIGTERM or Ctrl-C stops accepting connections and finishes the requests in flight.
            --study STUDY.sqlite (from discern study create) adds the "Real or AI?" page at /study and its API (participants             need no key; the admin routes GET /study/api/export and POST /study/api/close need --api-key).
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port (0 picks a free one; the chosen port is printed).")
    var port = 8080

    @Option(help: "Checkpoint to serve instead of the shipped default detector.")
    var model: String?

    @Option(help: "Require this key on /v1/ routes (Authorization: Bearer KEY or X-API-Key: KEY). Default: DISCERN_API_KEY if set.")
    var apiKey: String?

    @Option(help: "Largest request body in MB.")
    var maxBodyMb = 20

    @Option(help: "Largest image in pixels.")
    var maxPixels = 50_000_000

    @Option(help: "Most images in one request (413 beyond).")
    var maxImages = 64

    @Option(help: "Most pixels in one request, all its images together, read from the headers before decoding (413 beyond).")
    var maxRequestPixels = 100_000_000

    @Option(help: "Most pixels decoded at once by all requests in flight (503 + Retry-After beyond).")
    var pixelBudget = 200_000_000

    @Option(help: "Threads that decode uploads, apart from those that answer requests.")
    var decodeThreads = 2

    @Option(help: "Seconds allowed to send the body (408 beyond) and then to answer (503 beyond).")
    var timeout = 30.0

    @Option(help: "Seconds a connection may sit without a complete request before it is closed (slow or idle clients).")
    var idleTimeout = 15.0

    @Option(help: "Most open connections; more wait in the listen backlog.")
    var maxConnections = 512

    @Option(help: "Images per forward pass.")
    var maxBatch = 64

    @Option(help: "Milliseconds a request waits to share a forward pass.")
    var batchWaitMs = 5.0

    @Option(help: "Images allowed to wait for the model before answering 503.")
    var queue = 512

    @Option(help: "Also serve this \"Real or AI?\" study (from discern study create) at /study.")
    var study: String?

    @OptionGroup var trust: C2PATrustOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard maxBodyMb >= 1, maxPixels >= 1, timeout > 0, maxBatch >= 1, batchWaitMs >= 0, queue >= 1, maxImages >= 1,
              maxRequestPixels >= 1, pixelBudget >= 1, decodeThreads >= 1, idleTimeout > 0, maxConnections >= 1 else {
            throw ValidationError("limits must be positive")
        }
        guard maxImages <= queue else { throw ValidationError("--max-images (\(maxImages)) must not exceed --queue (\(queue))") }
        if let model, !FileManager.default.fileExists(atPath: model) { throw ValidationError("\(model): no such checkpoint") }
        if let study, !FileManager.default.fileExists(atPath: study) { throw ValidationError("\(study): no such study database") }
    }

    func run() async throws {
        let loaded: LoadedModel, detector: Detector
        do {
            loaded = try LoadedModel(try model.map(URL.init(fileURLWithPath:)) ?? DefaultModel.url())
            detector = try Detector(loaded)
        } catch let e as ValidationError { throw e } catch { throw ValidationError("\(error)") }
        guard detector.isBinary else {
            throw ValidationError("serve needs a REAL/FAKE model; this one has classes \(detector.classes.joined(separator: ", ")) (discern classify takes it)")
        }
        var options = ServeOptions()
        options.host = host
        options.port = port
        options.apiKey = apiKey ?? ProcessInfo.processInfo.environment["DISCERN_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        options.maxBodyBytes = maxBodyMb * 1024 * 1024
        options.maxPixels = maxPixels
        options.c2paTrustAnchors = try trust.anchors()
        options.timeout = timeout
        options.maxImagesPerRequest = maxImages
        options.maxRequestPixels = maxRequestPixels
        options.pixelBudget = pixelBudget
        options.decodeThreads = decodeThreads
        options.idleTimeout = idleTimeout
        options.maxConnections = maxConnections
        options.maxBatch = maxBatch
        options.batchWait = batchWaitMs / 1000
        options.queueCapacity = queue
        let keyed = options.apiKey != nil
        let routes = try study.map { path -> StudyRoutes in
            let participation: StudyParticipation
            do { participation = try StudyParticipation(database: StudyDatabase(path: path)) } catch let error as StudyError {
                throw ValidationError(error.description)
            }
            let bar = ProgressBar(total: participation.total, label: "score the study images")
            let name = model.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "default detector"
            let scores = try StudyModelScores.score(participation.database, detector: detector, name: name) { bar.update($0) }
            return StudyRoutes(participation: participation, model: scores, apiKey: options.apiKey)
        }
        let server = DetectorServer(detector: detector, options: options, card: ModelCard.json(loaded), study: routes)
        try await server.run { port in
            print("discern serve: listening on http://\(host):\(port) (model \(loaded.metadata.architecture)\(keyed ? ", API key required" : ""))")
            if let routes { print("discern serve: study \"\(routes.participation.info.title)\" (\(routes.participation.total) images) at http://\(host):\(port)/study") }
        }
        print("discern serve: stopped")
    }
}
