import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Study

/// The "Real or AI?" study pages and API of `discern serve --study` (see `StudyParticipation`).
///
/// Participant routes (public, no API key): `GET /study` (the page), `POST /study/api/session` (creates or resumes the
/// participant named by the `discern_study` cookie, and sets it), `GET /study/api/next`, `POST /study/api/answer`
/// (`{"image": TOKEN, "answer": "real"|"ai", "confidence": 50-100}`, at most 1 KiB), `GET /study/api/result` (the
/// participant's score and the model's on the same images, once every image is answered), `GET /study/image?id=TOKEN`
/// (the display PNG). Admin routes need `serve --api-key`: `GET /study/api/export` (every answer as CSV) and
/// `POST /study/api/close` (no more answers).
///
/// Limits: one answer per image per participant (409), answers only to the image shown, a token bucket per participant
/// (60 requests, refilled at 20 per second: a person answering takes seconds per image) and one for new participants
/// (200, refilled at 20 per second; one for the whole server, since the request context carries no peer address): 429
/// with Retry-After beyond.
public struct StudyRoutes: Sendable {
    /// The participant side of the study database.
    public let participation: StudyParticipation
    /// The served model's answers on the study images (shown at the end).
    public let model: StudyModelScores
    /// The admin key (`serve --api-key`); admin routes answer 403 without one.
    public let apiKey: String?
    let perParticipant = RateLimiter(capacity: 60, perSecond: 20)
    let newParticipants = RateLimiter(capacity: 200, perSecond: 20)

    /// Routes for `participation`, with `model`'s scores and the admin `apiKey`.
    public init(participation: StudyParticipation, model: StudyModelScores, apiKey: String?) {
        (self.participation, self.model, self.apiKey) = (participation, model, apiKey)
    }

    /// The cookie naming the participant.
    public static let cookie = "discern_study"
    /// Paths participants use without the API key.
    public static let publicPaths: Set<String> = ["/study", "/study/api/session", "/study/api/next", "/study/api/answer", "/study/api/result", "/study/image"]
    /// Every study route.
    public static let routes: [(method: String, path: String)] = [
        ("get", "/study"), ("post", "/study/api/session"), ("get", "/study/api/next"), ("post", "/study/api/answer"), ("get", "/study/api/result"),
        ("get", "/study/image"), ("get", "/study/api/export"), ("post", "/study/api/close"),
    ]

    /// Adds the routes to `router`.
    public func add(to router: Router<BasicRequestContext>) {
        let page = DetectorServer.resource("study", "html")
        router.get("/study") { _, _ in
            var response = try DetectorServer.body(page, type: "text/html; charset=utf-8")
            response.headers[.cacheControl] = "no-store"
            return response
        }
        router.post("/study/api/session") { request, _ in
            let known = Self.participantCookie(request)
            var isKnown = false
            if let known { isKnown = try await self.exists(known) }
            let open = try await participation.isOpen()
            if !isKnown {
                // A closed study takes no new participants (nothing is stored for a visitor who cannot answer).
                guard open else {
                    return try DetectorServer.json(["title": participation.info.title, "total": participation.total, "answered": 0,
                                                    "done": false, "open": false])
                }
                guard newParticipants.take("all") else { throw HTTPError(.tooManyRequests, headers: [.retryAfter: "1"], message: "too many new participants; try again") }
            }
            let id = isKnown ? known! : try await participation.participant(nil).id
            let progress = try await participation.progress(id)
            var response = try DetectorServer.json(["title": participation.info.title, "total": progress.total, "answered": progress.answered,
                                                    "done": progress.done, "open": open])
            response.headers[.setCookie] = "\(Self.cookie)=\(id); Path=/study; HttpOnly; SameSite=Strict; Max-Age=31536000"
            response.headers[.cacheControl] = "no-store"
            return response
        }
        router.get("/study/api/next") { request, _ in
            let id = try await self.participant(request)
            guard let next = try await participation.next(id) else {
                return try DetectorServer.json(["done": true, "total": participation.total])
            }
            return try DetectorServer.json(["done": false, "position": next.position, "total": next.total, "token": next.token, "image": "/study/image?id=\(next.token)"])
        }
        router.post("/study/api/answer") { request, _ in
            let id = try await self.participant(request)
            let body = try await request.body.collect(upTo: 1024)
            struct Given: Decodable { let image: String; let answer: String; let confidence: Int }
            guard let given = try? JSONDecoder().decode(Given.self, from: Data(buffer: body)) else {
                throw HTTPError(.badRequest, message: #"send {"image": TOKEN, "answer": "real" or "ai", "confidence": 50-100}"#)
            }
            let answer = given.answer == "real" ? "REAL" : given.answer == "ai" ? "FAKE" : given.answer
            let progress = try await participation.answer(id, token: given.image, answer: answer, confidence: given.confidence)
            return try DetectorServer.json(["answered": progress.answered, "total": progress.total, "done": progress.done])
        }
        router.get("/study/api/result") { request, _ in
            let id = try await self.participant(request)
            let results = try await participation.results(id)
            let mine = results.filter { $0.answer == $0.label }.count
            let theirs = results.filter { model.decision($0.imageID) == $0.label }.count
            return try DetectorServer.json([
                "you": ["correct": mine, "total": results.count],
                "model": ["name": model.name, "correct": theirs, "total": results.count],
            ])
        }
        router.get("/study/image") { request, _ in
            _ = try await self.participant(request)
            guard let token = request.uri.queryParameters.get("id") else { throw HTTPError(.badRequest, message: "give ?id=TOKEN") }
            var response = DetectorServer.body(try await participation.displayImage(token), type: "image/png")
            response.headers[.cacheControl] = "private, max-age=86400"
            return response
        }
        router.get("/study/api/export") { request, _ in
            try self.admin(request)
            var response = DetectorServer.body(Data(try StudyExport.csv(participation.database).utf8), type: "text/csv; charset=utf-8")
            response.headers[.contentDisposition] = "attachment; filename=\"answers.csv\""
            return response
        }
        router.post("/study/api/close") { request, _ in
            try self.admin(request)
            try participation.database.close()
            return try DetectorServer.json(["closed": true])
        }
    }

    private func exists(_ id: String) async throws -> Bool { try await participation.exists(id) }

    /// The participant named by the cookie, within its rate limit; 401 without a session.
    private func participant(_ request: Request) async throws -> String {
        guard let id = Self.participantCookie(request) else { throw HTTPError(.unauthorized, message: "no study session: open /study first") }
        // The limit comes before the database is asked, so made-up cookies cost no read beyond their budget.
        guard perParticipant.take(id) else { throw HTTPError(.tooManyRequests, headers: [.retryAfter: "1"], message: "slow down") }
        guard try await exists(id) else { throw HTTPError(.unauthorized, message: "no study session: open /study first") }
        return id
    }

    /// Admin routes need the API key (checked here too, not only by the server's middleware); without one they are off.
    private func admin(_ request: Request) throws {
        guard let apiKey else { throw HTTPError(.forbidden, message: "admin routes need discern serve --api-key") }
        try requireAPIKey(apiKey, in: request)
    }

    /// The `discern_study` cookie's value, if any.
    static func participantCookie(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0] == cookie, !parts[1].isEmpty { return parts[1] }
            }
        }
        return nil
    }
}

/// Token buckets by key: `capacity` requests at once, refilled at `perSecond`. Buckets idle long enough to be full
/// again are dropped when the map has doubled since the last sweep, so memory stays proportional to the active keys.
final class RateLimiter: @unchecked Sendable {
    private let capacity: Double, perSecond: Double
    private var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]
    private var sweepAt = 1024
    private let lock = NSLock()

    init(capacity: Double, perSecond: Double) { (self.capacity, self.perSecond) = (capacity, perSecond) }

    /// Keys currently held (for tests).
    var count: Int { lock.withLock { buckets.count } }

    /// Takes one token for `key`; false when its bucket is empty.
    func take(_ key: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        var bucket = buckets[key] ?? (capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + Self.seconds(now - bucket.at) * perSecond)
        bucket.at = now
        let granted = bucket.tokens >= 1
        if granted { bucket.tokens -= 1 }
        buckets[key] = bucket
        if buckets.count >= sweepAt {
            buckets = buckets.filter { $0.value.tokens + Self.seconds(now - $0.value.at) * perSecond < capacity }
            sweepAt = max(1024, 2 * buckets.count)
        }
        return granted
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
