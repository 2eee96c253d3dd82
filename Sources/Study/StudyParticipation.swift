import Foundation
import GRDB
import Tensor

/// The participant side of a study, as `discern serve --study` runs it: anonymous participants, each with a seeded
/// order of the images, answering one image at a time; every answer is written in its own transaction before the
/// reply, so a crash or restart loses none.
///
/// Nothing here returns an image's label, path, source or hash before the participant has answered every image.
public final class StudyParticipation: @unchecked Sendable {
    /// The database.
    public let database: StudyDatabase
    /// The study's settings at open.
    public let info: StudyDatabase.Info
    /// Image row ids in id order.
    public let imageIDs: [Int64]
    private let idByToken: [String: Int64]
    private let tokenByID: [Int64: String]

    /// Opens the participant side of `database`.
    public init(database: StudyDatabase) throws {
        self.database = database
        info = try database.info()
        let images = try database.images()
        imageIDs = images.map(\.id)
        idByToken = Dictionary(uniqueKeysWithValues: images.map { ($0.token, $0.id) })
        tokenByID = Dictionary(uniqueKeysWithValues: images.map { ($0.id, $0.token) })
    }

    /// Images in the study.
    public var total: Int { imageIDs.count }

    /// A participant's place in the study.
    public struct Progress: Equatable, Sendable, Codable {
        /// Images answered.
        public var answered: Int
        /// Images in the study.
        public var total: Int
        /// Whether every image is answered.
        public var done: Bool { answered >= total }
    }

    /// The image to show next.
    public struct Next: Equatable, Sendable, Codable {
        /// The opaque image name (for `/study/image?id=`).
        public var token: String
        /// 1-based position in the participant's order.
        public var position: Int
        /// Images in the study.
        public var total: Int
    }

    /// Whether participant `id` exists (none is created).
    public func exists(_ id: String) async throws -> Bool {
        guard id.count == 32 else { return false }
        return try await database.pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM participant WHERE id = ?", arguments: [id]) ?? false
        }
    }

    /// The participant with `id`, or a new one when `id` is nil or unknown. Returns the id and whether it is new.
    public func participant(_ id: String?) async throws -> (id: String, isNew: Bool) {
        if let id, try await exists(id) { return (id, false) }
        let new = StudyCreation.randomToken(), seed = info.seed
        try await database.pool.write { db in
            let number = (try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(number), 0) + 1 FROM participant")) ?? 1
            var rng = SplitMix64(seed: seed &+ UInt64(number))
            try db.execute(sql: "INSERT INTO participant (id, number, order_seed, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [new, number, Int64(bitPattern: rng.next()), StudyDatabase.now()])
        }
        return (new, true)
    }

    /// The participant's image order: the image ids shuffled with its seed.
    func order(_ db: Database, participant: String) throws -> [Int64] {
        guard let seed = try Int64.fetchOne(db, sql: "SELECT order_seed FROM participant WHERE id = ?", arguments: [participant]) else {
            throw StudyError.badAnswer("unknown participant")
        }
        return Self.order(imageIDs, seed: UInt64(bitPattern: seed))
    }

    /// `ids` shuffled by a Fisher-Yates pass driven by SplitMix64(`seed`) (index `next() % (i + 1)`), the same in any build.
    public static func order(_ ids: [Int64], seed: UInt64) -> [Int64] {
        var rng = SplitMix64(seed: seed)
        return seededShuffle(ids, &rng)
    }

    /// `items` shuffled by a Fisher-Yates pass driven by `rng` (index `next() % (i + 1)` from the last position down):
    /// unlike the standard library's `shuffle`, whose algorithm may change between Swift versions, the same in any build.
    public static func seededShuffle<T>(_ items: [T], _ rng: inout SplitMix64) -> [T] {
        var out = items
        var i = out.count - 1
        while i > 0 {
            out.swapAt(i, Int(rng.next() % UInt64(i + 1)))
            i -= 1
        }
        return out
    }

    private func answered(_ db: Database, participant: String) throws -> Set<Int64> {
        Set(try Int64.fetchAll(db, sql: "SELECT image_id FROM answer WHERE participant_id = ?", arguments: [participant]))
    }

    /// How far the participant is.
    public func progress(_ participant: String) async throws -> Progress {
        let n = try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM answer WHERE participant_id = ?", arguments: [participant]) ?? 0
        }
        return Progress(answered: n, total: total)
    }

    /// The next unanswered image in the participant's order, or nil when every image is answered.
    public func next(_ participant: String) async throws -> Next? {
        try await database.pool.read { db in try self.next(db, participant: participant, done: self.answered(db, participant: participant)) }
    }

    /// The next image given the images `done` already answered (the participant's answered set, read once by the caller).
    private func next(_ db: Database, participant: String, done: Set<Int64>) throws -> Next? {
        let order = try self.order(db, participant: participant)
        guard let index = order.firstIndex(where: { !done.contains($0) }) else { return nil }
        return Next(token: tokenByID[order[index]]!, position: done.count + 1, total: order.count)
    }

    /// Stores the participant's answer to the image `token` (`REAL` or `FAKE`, confidence 50-100) in one transaction.
    /// Only the image currently shown (the next in the participant's order) takes an answer; a second answer to an
    /// image is `StudyError.alreadyAnswered`; a closed study takes none.
    public func answer(_ participant: String, token: String, answer: String, confidence: Int) async throws -> Progress {
        guard ["REAL", "FAKE"].contains(answer) else { throw StudyError.badAnswer("answer must be real or ai") }
        guard (50...100).contains(confidence) else { throw StudyError.badAnswer("confidence must be 50-100") }
        guard let image = idByToken[token] else { throw StudyError.unknownImage }
        let total = self.total
        return try await database.pool.write { db in
            if try Self.isClosed(db) { throw StudyError.closed }
            let done = try self.answered(db, participant: participant)
            if done.contains(image) { throw StudyError.alreadyAnswered }
            guard let next = try self.next(db, participant: participant, done: done), next.token == token else {
                throw StudyError.badAnswer("answer the image shown (this one is not next in your order)")
            }
            try db.execute(sql: "INSERT INTO answer (participant_id, image_id, answer, confidence, answered_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [participant, image, answer, confidence, StudyDatabase.now()])
            return Progress(answered: done.count + 1, total: total)
        }
    }

    /// The participant's answers, each with the image's label (for the end-of-study score; only once every image is
    /// answered, else `StudyError.badAnswer`).
    public func results(_ participant: String) async throws -> [(imageID: Int64, answer: String, label: String)] {
        try await database.pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT a.image_id, a.answer, i.label FROM answer a JOIN image i ON i.id = a.image_id WHERE a.participant_id = ? ORDER BY a.image_id
                """, arguments: [participant])
            guard rows.count == self.total else { throw StudyError.badAnswer("the score is shown once every image is answered") }
            return rows.map { ($0[0], $0[1], $0[2]) }
        }
    }

    /// The PNG participants see for `token`.
    public func displayImage(_ token: String) async throws -> Data {
        guard let id = idByToken[token] else { throw StudyError.unknownImage }
        return try await database.pool.read { db in try StudyDatabase.blob(db, .display, of: id) }
    }

    /// Whether the study still takes answers.
    public func isOpen() async throws -> Bool {
        try await database.pool.read { db in try !Self.isClosed(db) }
    }

    private static func isClosed(_ db: Database) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT closed_at FROM study WHERE id = 1") != nil
    }
}
