import ArgumentParser
import Foundation
import Inference
import Study

/// `discern study`: a "Real or AI?" study that measures people against the detector on the same images.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study", abstract: "Run a \"Real or AI?\" study: people against the detector on the same images.",
        discussion: """
            1. discern study create --data ../shared/data/wild/val.tar.gz --count 20 --per-class --seed 1 --out class.sqlite
            2. discern serve --study class.sqlite --host 0.0.0.0 --api-key SECRET   (participants open http://HOST:8080/study)
            3. discern study report class.sqlite --out report --export answers.csv
            """,
        subcommands: [StudyCreate.self, StudyReportCommand.self])
}

struct StudyCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Draw a balanced, seeded set of images into a new study database (SQLite).",
        discussion: """
            Any data Discern reads: folders, .tar.gz shards, manifests. The images (original bytes and a metadata-free PNG \
            of their pixels for the page), their SHA-256 and hidden labels are stored in the database, so the study needs \
            nothing else. Unreadable and duplicate images are passed over. Where a manifest.jsonl is beside the data, each \
            image's source repository, generator and camera come from it (the report's groups). An existing file is never \
            overwritten.
            """)

    @Option(parsing: .upToNextOption, help: "Images: folders, shards or manifests with REAL and FAKE images.") var data: [String]
    @Option(help: "Images in the study (with --per-class: per class).") var count: Int
    @Flag(help: "--count is per class (otherwise in all, half per class).") var perClass = false
    @Option(help: "Seed of the draw and of the participants' image orders.") var seed: UInt64 = 0
    @Option(help: "Title shown to participants.") var title = "Real or AI?"
    @Option(help: "The new study database (.sqlite).") var out: String

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be positive") }
        guard perClass || count % 2 == 0 else { throw ValidationError("--count must be even without --per-class (half per class)") }
        if FileManager.default.fileExists(atPath: out) { throw ValidationError(StudyError.exists(out).description) }
    }

    func run() throws {
        let creation = StudyCreation(data: data, count: count, perClass: perClass, seed: seed, title: title)
        let bar = ProgressBar(total: creation.neededPerClass * 2, label: "store")
        let summary: StudyCreation.Summary
        do { summary = try creation.run(out: out) { bar.update($0) } } catch let error as StudyError { throw ValidationError(error.description) }
        print("\(out): \(summary.perLabel["REAL"] ?? 0) REAL + \(summary.perLabel["FAKE"] ?? 0) FAKE images (seed \(seed)), "
              + "\(summary.withManifest) with manifest details, \(summary.skipped) passed over (unreadable or duplicate)")
        print("next: discern serve --study \(out)   (participants open /study)")
    }
}

struct StudyReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "People's accuracy with a bootstrap interval, against models on the same images.",
        discussion: """
            Writes report.json, a self-contained report.html, the confidence reliability diagram and contact sheets of the \
            images people miss but the model gets (and the reverse) to --out. Models score the original bytes, pixels only. \
            Without --model the shipped default detector is used. --export writes every answer as CSV.
            """)

    @Argument(help: "The study database.") var study: String
    @Option(help: "A REAL/FAKE checkpoint to compare; repeat for several (default: the shipped detector).") var model: [String] = []
    @Option(help: "Report folder.") var out: String
    @Option(help: "table or json (what is printed).") var format: String = "table"
    @Option(help: "Write every answer as CSV here.") var export: String?
    @Option(help: "Bootstrap rounds of the interval.") var bootstrap = 2000
    @Option(help: "Bootstrap seed.") var seed: UInt64 = 0

    func validate() throws {
        guard ["table", "json"].contains(format) else { throw ValidationError("--format must be table or json") }
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap must be >= 0") }
        guard FileManager.default.fileExists(atPath: study) else { throw ValidationError("\(study): no such study database") }
        for m in model where !FileManager.default.fileExists(atPath: m) { throw ValidationError("\(m): no such checkpoint") }
        if let export {
            let target = URL(fileURLWithPath: export).standardizedFileURL.path, database = URL(fileURLWithPath: study).standardizedFileURL.path
            guard ![database, database + "-wal", database + "-shm"].contains(target) else {
                throw ValidationError("--export \(export) would overwrite the study database")
            }
        }
    }

    func run() throws {
        let database: StudyDatabase
        do { database = try StudyDatabase(path: study) } catch let error as StudyError { throw ValidationError(error.description) }
        let urls = try model.isEmpty ? [DefaultModel.url()] : model.map(URL.init(fileURLWithPath:))
        let images = try database.images()
        var scores: [StudyModelScores] = []
        for (i, url) in urls.enumerated() {
            let detector: Detector
            do { detector = try Detector(LoadedModel(url)) } catch { throw ValidationError("\(url.path): \(error)") }
            guard detector.isBinary else { throw ValidationError("\(url.path): the study compares REAL/FAKE models") }
            let name = model.isEmpty ? "default detector" : model[i]
            let bar = ProgressBar(total: images.count, label: "score \(name)")
            scores.append(try StudyModelScores.score(database, detector: detector, name: name) { bar.update($0) })
        }
        let analysis = StudyAnalysis.analyse(images: images, answers: try database.answers(), models: scores, bootstrap: bootstrap, seed: seed)
        let dir = URL(fileURLWithPath: out)
        try StudyReport.write(analysis, database: database, to: dir)
        if let export { try StudyExport.csv(database).write(toFile: export, atomically: true, encoding: .utf8) }
        if format == "json" {
            print(String(decoding: try StudyReport.encoder().encode(analysis), as: UTF8.self))
        } else {
            print(StudyReport.table(analysis))
            print("report: \(dir.appendingPathComponent("report.html").path)" + (export.map { "; answers: \($0)" } ?? ""))
        }
    }
}
