import Foundation
import GRDB

/// Why a study database cannot be used.
public enum StudyError: Error, CustomStringConvertible, Equatable {
    /// The file is not a study database (no `study` table), or SQLite cannot read it.
    case notAStudy(String)
    /// A newer discern wrote the schema (it has migrations this build does not know).
    case newerSchema(path: String, migrations: [String])
    /// `study create` would overwrite an existing file.
    case exists(String)
    /// The draw found too few images of a class.
    case tooFewImages(label: String, found: Int, needed: Int)
    /// The inputs changed between the draw's passes over them (a drawn image could not be read again).
    case changedWhileReading(String)
    /// The inputs hold fewer than two classes.
    case oneClass([String])
    /// No image with this token.
    case unknownImage
    /// The participant already answered this image.
    case alreadyAnswered
    /// An answer outside the allowed values.
    case badAnswer(String)
    /// The study was closed by its owner; no more answers are taken.
    case closed

    /// One line for the user.
    public var description: String {
        switch self {
        case .notAStudy(let path): "\(path): not a Discern study database"
        case .newerSchema(let path, let m): "\(path): written by a newer discern (schema migrations \(m.joined(separator: ", ")))"
        case .exists(let path): "\(path) exists; choose another --out (a study is never overwritten)"
        case .tooFewImages(let label, let found, let needed): "only \(found) readable, distinct \(label) images; the draw needs \(needed)"
        case .changedWhileReading(let data): "\(data) changed while the study was drawn from it; run study create again"
        case .oneClass(let labels): "the data has the classes \(labels); a study needs REAL and FAKE images"
        case .unknownImage: "no such study image"
        case .alreadyAnswered: "this image is already answered"
        case .badAnswer(let why): why
        case .closed: "the study is closed"
        }
    }
}

/// A study database: SQLite through GRDB, in WAL mode (readers never wait for the writer), with a versioned schema
/// migrated on open.
///
/// Tables (schema v1):
/// - `study`: one row: title, seed, creation time, the `--data` inputs, `closed_at` once closed.
/// - `image`: the drawn images: an opaque random `token` (the only name the browser sees), where it came from (`path`,
///   `sha256`), the hidden `label`, its `source` / `generator` / `camera` (from a manifest when there is one), its size,
///   the `original` bytes (what models score) and a `display` PNG of the same decoded pixels without any metadata
///   (what participants see, so no EXIF, C2PA or PNG text chunk can tell them the answer).
/// - `participant`: an anonymous random id (the cookie) and the seed of its image order.
/// - `answer`: one row per participant and image (primary key), `REAL`/`FAKE`, confidence 50-100, time.
public final class StudyDatabase: @unchecked Sendable {
    /// The GRDB connection pool (one writer, concurrent readers).
    public let pool: DatabasePool
    /// The file.
    public let path: String

    /// The migrations this build knows, in order.
    public static let migrations = ["v1"]

    /// Opens (and migrates) the study at `path`. With `create`, a new file is made (an existing one is refused);
    /// otherwise the file must exist and hold a study.
    public init(path: String, create: Bool = false) throws {
        let exists = FileManager.default.fileExists(atPath: path)
        if create, exists { throw StudyError.exists(path) }
        if !create, !exists { throw StudyError.notAStudy(path) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        do { pool = try DatabasePool(path: path, configuration: configuration) } catch { throw StudyError.notAStudy(path) }
        self.path = path
        let migrator = Self.migrator()
        do {
            let applied = try pool.read { try migrator.appliedIdentifiers($0) }
            let unknown = applied.subtracting(Self.migrations)
            if !unknown.isEmpty { throw StudyError.newerSchema(path: path, migrations: unknown.sorted()) }
            if !create {
                let hasStudy = try pool.read { try $0.tableExists("study") }
                guard hasStudy else { throw StudyError.notAStudy(path) }
            }
            try migrator.migrate(pool)
        } catch let error as StudyError { throw error } catch { throw StudyError.notAStudy(path) }
    }

    /// The schema, one migration per version.
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE study (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    title TEXT NOT NULL,
                    seed INTEGER NOT NULL,
                    created_at TEXT NOT NULL,
                    sources TEXT NOT NULL,
                    closed_at TEXT);
                CREATE TABLE image (
                    id INTEGER PRIMARY KEY,
                    token TEXT NOT NULL UNIQUE,
                    path TEXT NOT NULL,
                    sha256 TEXT NOT NULL UNIQUE,
                    label TEXT NOT NULL CHECK (label IN ('REAL', 'FAKE')),
                    source TEXT NOT NULL,
                    generator TEXT,
                    camera TEXT,
                    width INTEGER NOT NULL,
                    height INTEGER NOT NULL,
                    original BLOB NOT NULL,
                    display BLOB NOT NULL);
                CREATE TABLE participant (
                    id TEXT PRIMARY KEY,
                    number INTEGER NOT NULL UNIQUE,
                    order_seed INTEGER NOT NULL,
                    created_at TEXT NOT NULL);
                CREATE TABLE answer (
                    participant_id TEXT NOT NULL REFERENCES participant(id),
                    image_id INTEGER NOT NULL REFERENCES image(id),
                    answer TEXT NOT NULL CHECK (answer IN ('REAL', 'FAKE')),
                    confidence INTEGER NOT NULL CHECK (confidence BETWEEN 50 AND 100),
                    answered_at TEXT NOT NULL,
                    PRIMARY KEY (participant_id, image_id));
                """)
        }
        return migrator
    }

    /// The study's settings.
    public struct Info: Equatable, Sendable, Codable {
        /// Shown on the page.
        public var title: String
        /// The draw's and the participant orders' seed.
        public var seed: UInt64
        /// When `study create` ran (ISO 8601).
        public var createdAt: String
        /// The `--data` inputs.
        public var sources: String
        /// When the owner closed it, if they did.
        public var closedAt: String?
    }

    /// The `study` row.
    public func info() throws -> Info {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM study WHERE id = 1") else { throw StudyError.notAStudy(path) }
            return Info(title: row["title"], seed: UInt64(bitPattern: row["seed"]), createdAt: row["created_at"], sources: row["sources"],
                        closedAt: row["closed_at"])
        }
    }

    /// One study image as the report sees it (no bytes).
    public struct Image: Equatable, Sendable, Codable {
        /// Row id.
        public var id: Int64
        /// The opaque name the browser uses.
        public var token: String
        /// Where it was drawn from (file path, or `shard.tar.gz:member`).
        public var path: String
        /// SHA-256 of the original bytes.
        public var sha256: String
        /// `REAL` or `FAKE`.
        public var label: String
        /// The data set or repository it came from.
        public var source: String
        /// The generator, for an AI image whose manifest names it.
        public var generator: String?
        /// The camera, for a photo whose manifest names it.
        public var camera: String?
        /// Size in pixels.
        public var width: Int, height: Int

        /// An image record (the database makes them; tests and tools may too).
        public init(id: Int64, token: String, path: String, sha256: String, label: String, source: String, generator: String?,
                    camera: String?, width: Int, height: Int) {
            (self.id, self.token, self.path, self.sha256, self.label, self.source) = (id, token, path, sha256, label, source)
            (self.generator, self.camera, self.width, self.height) = (generator, camera, width, height)
        }
    }

    /// Every image, by id.
    public func images() throws -> [Image] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, token, path, sha256, label, source, generator, camera, width, height FROM image ORDER BY id").map {
                Image(id: $0["id"], token: $0["token"], path: $0["path"], sha256: $0["sha256"], label: $0["label"], source: $0["source"],
                      generator: $0["generator"], camera: $0["camera"], width: $0["width"], height: $0["height"])
            }
        }
    }

    /// A stored copy of an image: the `original` bytes (what models score) or the `display` PNG (what participants see).
    public enum Copy: String, Sendable { case original, display }

    /// The original bytes of image `id` (what a model scores).
    public func originalBytes(_ id: Int64) throws -> Data { try pool.read { try Self.blob($0, .original, of: id) } }

    /// The display PNG of image `id` (what participants see).
    public func displayBytes(_ id: Int64) throws -> Data { try pool.read { try Self.blob($0, .display, of: id) } }

    /// `copy` of image `id` read in `db` (`StudyError.unknownImage` when there is no such image).
    static func blob(_ db: Database, _ copy: Copy, of id: Int64) throws -> Data {
        // The column name comes from the enum, never from input.
        guard let data = try Data.fetchOne(db, sql: "SELECT \(copy.rawValue) FROM image WHERE id = ?", arguments: [id]) else {
            throw StudyError.unknownImage
        }
        return data
    }

    /// One stored answer.
    public struct Answer: Equatable, Sendable, Codable {
        /// The participant's anonymous id.
        public var participant: String
        /// The participant's arrival number (1 = first).
        public var participantNumber: Int
        /// The image's row id.
        public var imageID: Int64
        /// `REAL` or `FAKE`.
        public var answer: String
        /// 50-100.
        public var confidence: Int
        /// ISO 8601.
        public var answeredAt: String

        /// An answer record.
        public init(participant: String, participantNumber: Int, imageID: Int64, answer: String, confidence: Int, answeredAt: String) {
            (self.participant, self.participantNumber, self.imageID) = (participant, participantNumber, imageID)
            (self.answer, self.confidence, self.answeredAt) = (answer, confidence, answeredAt)
        }
    }

    /// Every answer, by participant number then time.
    public func answers() throws -> [Answer] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.participant_id, p.number, a.image_id, a.answer, a.confidence, a.answered_at
                FROM answer a JOIN participant p ON p.id = a.participant_id ORDER BY p.number, a.answered_at, a.image_id
                """).map {
                Answer(participant: $0[0], participantNumber: $0[1], imageID: $0[2], answer: $0[3], confidence: $0[4], answeredAt: $0[5])
            }
        }
    }

    /// Stops taking answers (the admin route `POST /study/api/close`).
    public func close() throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE study SET closed_at = COALESCE(closed_at, ?) WHERE id = 1", arguments: [Self.now()])
        }
    }

    /// The current time, ISO 8601 with milliseconds, UTC.
    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}
