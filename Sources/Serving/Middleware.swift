import Foundation
import HTTPTypes
import Hummingbird
import Imaging
import Logging
import NIOHTTP1
import Study

/// The response header that carries the request id of the access log.
let requestIDField = HTTPField.Name("X-Request-Id")!

/// Every error becomes a JSON body `{"error": ..., "status": ...}` with the right status; requests are counted and
/// logged (one access line each, with the request id that is also sent back as `X-Request-Id`).
///
/// Broken HTTP framing (a bad chunk size, say) is passed on to the server, which answers 400 and closes the
/// connection, since nothing more can be read from it safely.
struct ErrorAndMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPParserError {
            metrics.request(route: Self.route(request.uri.path), status: 400, seconds: ContinuousClock.now - start)
            context.logger.notice("malformed request", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"])
            throw error
        } catch {
            response = Self.response(for: error, request: request)
            let level: Logger.Level = response.status.code >= 500 ? .error : .notice
            context.logger.log(level: level, "request failed", metadata: ["status": "\(response.status.code)", "error": "\(error)"])
        }
        let seconds = ContinuousClock.now - start
        metrics.request(route: Self.route(request.uri.path), status: response.status.code, seconds: seconds)
        response.headers[requestIDField] = context.id
        context.logger.info("\(request.method) \(request.uri.path) \(response.status.code)",
                            metadata: ["duration_ms": "\(Int(seconds / .milliseconds(1)))"])
        return response
    }

    /// Known routes by name; everything else counts as "other" (bounded label values).
    static func route(_ path: String) -> String {
        ["/", "/healthz", "/metrics", "/openapi.yaml", "/v1/model", "/v1/classify"].contains(path) ? path : "other"
    }

    static func response(for error: Error, request: Request? = nil) -> Response {
        switch error {
        case let e as HTTPError where e.status == .notFound:
            // A served path asked with another method: 405 with the methods it takes.
            if let request {
                let path = DetectorServer.canonicalPath(request.uri.path)
                let allowed = (DetectorServer.routes + StudyRoutes.routes).filter { $0.path == path }.map { $0.method.uppercased() }
                // A path served with this very method that still was not found is not served at all (no --study).
                if !allowed.isEmpty, !allowed.contains(request.method.rawValue.uppercased()) {
                    return json(.methodNotAllowed, "\(request.method) is not allowed on \(path); use \(allowed.joined(separator: ", "))",
                                headers: [.allow: allowed.joined(separator: ", ")])
                }
            }
            return json(e.status, e.body ?? "no such route")
        case let e as HTTPError: return json(e.status, e.body ?? e.status.reasonPhrase, headers: e.headers)
        case let e as ServeError:
            switch e {
            case .busy, .pixelBudgetFull: return json(.serviceUnavailable, e.description, headers: [.retryAfter: "1"])
            case .shuttingDown: return json(.serviceUnavailable, e.description)
            case .tooManyImages, .tooManyPixels: return json(.contentTooLarge, e.description)
            }
        case let e as ImageJudge.Failure: return json(status(for: e.error), e.error.description)
        case let e as StudyError:
            switch e {
            case .alreadyAnswered: return json(.conflict, e.description)
            case .badAnswer: return json(.badRequest, e.description)
            case .unknownImage: return json(.notFound, e.description)
            case .closed: return json(.gone, e.description)
            default: return json(.internalServerError, e.description)
            }
        case let e as HTTPResponseError: return json(e.status, e.status.reasonPhrase)
        default: return json(.internalServerError, "internal error: \(error)")
        }
    }

    /// 413 for images above the pixel limit, 415 for formats we do not read, 400 for broken files.
    static func status(for error: ImageError) -> HTTPResponse.Status {
        switch error {
        case .tooLarge: return .contentTooLarge
        case .unknownFormat, .unsupported: return .unsupportedMediaType
        default: return .badRequest
        }
    }

    static func json(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        // Serialising two plain strings and an integer cannot fail; the fallback is still a valid body.
        let body = (try? JSONSerialization.data(withJSONObject: ["error": message, "status": status.code], options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"error":"internal error","status":500}"#.utf8)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// With an API key configured, every request needs `Authorization: Bearer KEY` or `X-API-Key: KEY` (401 otherwise),
/// except the public pages in `DetectorServer.publicPaths`.
///
/// The check denies by default: a path is public only when its canonical spelling (`canonicalPath`: empty and `.`
/// segments dropped, `..` applied, percent-escapes decoded) is exactly a public page. The router ignores empty
/// segments, so a prefix test on the raw path (`//v1/classify`) let requests through without the key.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: String
    let publicPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if publicPaths.contains(DetectorServer.canonicalPath(request.uri.path)) { return try await next(request, context) }
        try requireAPIKey(key, in: request)
        return try await next(request, context)
    }
}

/// Throws 401 unless `request` sends `key` as `Authorization: Bearer KEY` or `X-API-Key: KEY` (compared in constant
/// time for equal lengths): the middleware's check, also run by routes that check the key themselves (the study's
/// admin routes).
func requireAPIKey(_ key: String, in request: Request) throws {
    let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
    let given = bearer ?? request.headers.first { $0.name.canonicalName == "x-api-key" }?.value
    guard let given, given.utf8.count == key.utf8.count, zip(given.utf8, key.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
        throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "missing or wrong API key")
    }
}

/// Runs `work`, or throws `HTTPError(status)` (503 unless told) when it takes longer than `seconds`.
///
/// The answer is sent at the deadline even when `work` cannot stop at once (it waits on the model or on a decode):
/// `work` runs as its own task, is cancelled, and finishes in the background, never holding the response.
func withTimeout<T: Sendable>(_ seconds: TimeInterval, status: HTTPResponse.Status = .serviceUnavailable, _ what: String = "request",
                              _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    let once = ResumeOnce<T>()
    let task = Task { once.resume(await Result(catching: { try await work() })) }
    let timer = Task {
        try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        if once.resume(.failure(HTTPError(status, message: "\(what) took longer than \(seconds) s"))) { task.cancel() }
    }
    defer { timer.cancel() }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { once.set($0) }
    } onCancel: {
        task.cancel()
        once.resume(.failure(CancellationError()))
    }
}

/// Resumes a continuation with the first result given, before or after the continuation is set; later ones are dropped.
final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Error>?
    private var result: Result<T, Error>?
    private var done = false

    func set(_ c: CheckedContinuation<T, Error>) {
        lock.lock()
        if let result, !done {
            done = true
            lock.unlock()
            c.resume(with: result)
            return
        }
        continuation = c
        lock.unlock()
    }

    /// True when this result was the first.
    @discardableResult
    func resume(_ r: Result<T, Error>) -> Bool {
        lock.lock()
        guard result == nil else { lock.unlock(); return false }
        result = r
        guard let c = continuation, !done else { lock.unlock(); return true }
        done = true
        continuation = nil
        lock.unlock()
        c.resume(with: r)
        return true
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
