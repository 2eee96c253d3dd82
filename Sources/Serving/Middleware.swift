import Foundation
import Hummingbird
import Imaging

/// Every error becomes a JSON body `{"error": ..., "status": ...}` with the right status; requests are counted.
struct ErrorAndMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Self.response(for: error)
        }
        metrics.request(route: Self.route(request.uri.path), status: response.status.code, seconds: ContinuousClock.now - start)
        return response
    }

    /// Known routes by name; everything else counts as "other" (bounded label values).
    static func route(_ path: String) -> String {
        ["/", "/healthz", "/metrics", "/openapi.yaml", "/v1/model", "/v1/classify"].contains(path) ? path : "other"
    }

    static func response(for error: Error) -> Response {
        switch error {
        case let e as HTTPError: return json(e.status, e.body ?? e.status.reasonPhrase, headers: e.headers)
        case let e as ServeError:
            switch e {
            case .busy: return json(.serviceUnavailable, e.description, headers: [.retryAfter: "1"])
            case .shuttingDown: return json(.serviceUnavailable, e.description)
            }
        case let e as ImageJudge.Failure: return json(status(for: e.error), e.error.description)
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
        let body = (try? JSONSerialization.data(withJSONObject: ["error": message, "status": status.code], options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// With an API key configured, `/v1/*` needs `Authorization: Bearer KEY` or `X-API-Key: KEY` (401 otherwise).
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        let given = bearer ?? request.headers.first { $0.name.canonicalName == "x-api-key" }?.value
        // Constant-time comparison of equal-length keys.
        guard let given, given.utf8.count == key.utf8.count, zip(given.utf8, key.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "missing or wrong API key")
        }
        return try await next(request, context)
    }
}

/// Runs `work`, or throws 503 when it takes longer than `seconds` (the work is cancelled).
func withTimeout<T: Sendable>(_ seconds: TimeInterval, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw HTTPError(.serviceUnavailable, message: "request took longer than \(seconds) s")
        }
        return value
    }
}
