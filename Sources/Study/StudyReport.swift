import Foundation
import Imaging
import Plots
import Reports

/// Writes a study's report folder (what `discern study report --out DIR` makes): `report.json` (every figure of
/// `StudyAnalysis`), `report.html` (self-contained: tables and every figure embedded), the human confidence reliability
/// diagram (`reliability.png`/`.svg`), and for each model two contact sheets: the images most people got wrong that
/// the model got right (`people-miss-model-gets-K.png`) and the reverse (`model-misses-people-get-K.png`).
public enum StudyReport {
    /// Writes the folder; returns the files written.
    @discardableResult
    public static func write(_ analysis: StudyAnalysis, database: StudyDatabase, to dir: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var files: [URL] = []
        let json = dir.appendingPathComponent("report.json")
        try encoder().encode(analysis).write(to: json)
        files.append(json)

        let points = analysis.calibration.compactMap { bin in
            bin.meanConfidence.flatMap { c in bin.accuracy.map { (x: c / 100, y: $0) } }
        }
        let chart = LineChart(title: "People's confidence against their accuracy", xLabel: "stated confidence", yLabel: "accuracy", series: [
            .init(name: "people", points: points, color: LineChart.blue),
            .init(name: "calibrated", points: [(0.5, 0.5), (1, 1)], color: LineChart.grey, dashed: true),
        ], yRange: 0...1)
        for ext in ["png", "svg"] {
            let url = dir.appendingPathComponent("reliability.\(ext)")
            try LineChart.render([chart], to: url)
            files.append(url)
        }

        var sheets: [(title: String, url: URL)] = []
        let byID = Dictionary(uniqueKeysWithValues: analysis.images.map { ($0.id, $0) })
        for (k, model) in analysis.models.enumerated() {
            for (ids, name, title) in [(model.peopleMissModelGets, "people-miss-model-gets", "Most people wrong, \(model.name) right"),
                                       (model.modelMissesPeopleGet, "model-misses-people-get", "\(model.name) wrong, most people right")] {
                let url = dir.appendingPathComponent("\(name)-\(k + 1).png")
                let tiles = try ids.prefix(48).map { id -> ContactSheet.Tile in
                    let image = try ImageDecoder.decode(try database.displayBytes(id))
                    let figures = byID[id]!
                    let people = figures.humanAccuracy.map { String(format: "%.0f%%", $0 * 100) } ?? "-"
                    return ContactSheet.Tile(image: image, caption: "\(figures.label) · people \(people) · p \(String(format: "%.2f", figures.pFake[k]))")
                }
                try ContactSheet.render(tiles, title: "\(title) (\(ids.count))", columns: 6, tileSize: 160, to: url)
                files.append(url)
                sheets.append((title, url))
            }
        }

        let html = dir.appendingPathComponent("report.html")
        try page(analysis, figures: [("Confidence and accuracy", dir.appendingPathComponent("reliability.png"))] + sheets).write(to: html, atomically: true, encoding: .utf8)
        files.append(html)
        return files
    }

    /// The JSON encoder of `report.json` (sorted keys; NaN written as the string "NaN").
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return e
    }

    /// The summary as plain text (what `study report --format table` prints).
    public static func table(_ a: StudyAnalysis) -> String {
        func pct(_ x: Double?) -> String { x.flatMap { $0.isNaN ? nil : String(format: "%5.1f %%", $0 * 100) } ?? "    -  " }
        var lines: [String] = []
        lines.append(String(format: "people: %d participants, %d images, %d answers: accuracy %@ (95 %% CI %@ to %@, two-way bootstrap, %d rounds)",
                            a.humans.participants, a.humans.images, a.humans.answers, pct(a.humans.accuracy), pct(a.humans.interval[0]),
                            pct(a.humans.interval[1]), a.humans.bootstrap))
        for m in a.models {
            let verdicts = ["REAL", "FAKE", "UNSURE"].map { "\($0) \(m.verdicts[$0] ?? 0)" }.joined(separator: ", ")
            lines.append(String(format: "model %@: accuracy %@ on the same %d images (verdicts %@); kappa with answers %@, with the per-image majority %@",
                                m.name, pct(m.accuracy), m.images, verdicts, m.kappaAnswers.map { String(format: "%.3f", $0) } ?? "-",
                                m.kappaMajority.map { String(format: "%.3f", $0) } ?? "-"))
            lines.append("  most people wrong, model right: \(m.peopleMissModelGets.count) images; model wrong, most people right: \(m.modelMissesPeopleGet.count)")
        }
        lines.append("participants:")
        for p in a.participants {
            lines.append(String(format: "  #%-4d %3d answers  accuracy %@  mean confidence %.1f", p.number, p.answers, pct(p.accuracy), p.meanConfidence))
        }
        lines.append("groups (images, answers, people, models):")
        for g in a.groups {
            let models = g.modelAccuracy.map { pct($0) }.joined(separator: " ")
            lines.append("  \(g.kind) \(g.name): \(g.images) images, \(g.answers) answers, people \(pct(g.humanAccuracy)), models \(models)")
        }
        lines.append("confidence calibration:")
        for b in a.calibration {
            lines.append(String(format: "  %d-%d: %d answers, mean confidence %@, accuracy %@", b.lower, b.upper, b.answers,
                                b.meanConfidence.map { String(format: "%.1f", $0) } ?? "-", pct(b.accuracy)))
        }
        return lines.joined(separator: "\n")
    }

    static func page(_ a: StudyAnalysis, figures: [(title: String, url: URL)]) throws -> String {
        let esc = HTMLText.text
        func pct(_ x: Double?) -> String { x.flatMap { $0.isNaN ? nil : String(format: "%.1f %%", $0 * 100) } ?? "–" }
        var body = "<h1>Real or AI? People against the detector</h1>"
        body += "<p>\(a.humans.participants) participants answered \(a.humans.answers) times on \(a.humans.images) images. "
        body += "People: <b>\(pct(a.humans.accuracy))</b> (95 % CI \(pct(a.humans.interval[0])) – \(pct(a.humans.interval[1])), two-way bootstrap over participants and images).</p>"
        body += "<table><tr><th>model</th><th>accuracy</th><th>REAL / FAKE / UNSURE</th><th>κ with answers</th><th>κ with majority</th></tr>"
        for m in a.models {
            body += "<tr><td>\(esc(m.name))</td><td>\(pct(m.accuracy))</td><td>\(m.verdicts["REAL"] ?? 0) / \(m.verdicts["FAKE"] ?? 0) / \(m.verdicts["UNSURE"] ?? 0)</td>"
            body += "<td>\(m.kappaAnswers.map { String(format: "%.3f", $0) } ?? "–")</td><td>\(m.kappaMajority.map { String(format: "%.3f", $0) } ?? "–")</td></tr>"
        }
        body += "</table><h2>By group</h2><table><tr><th>kind</th><th>name</th><th>images</th><th>answers</th><th>people</th>"
        body += a.models.map { "<th>\(esc($0.name))</th>" }.joined() + "</tr>"
        for g in a.groups {
            body += "<tr><td>\(g.kind)</td><td>\(esc(g.name))</td><td>\(g.images)</td><td>\(g.answers)</td><td>\(pct(g.humanAccuracy))</td>"
            body += g.modelAccuracy.map { "<td>\(pct($0))</td>" }.joined() + "</tr>"
        }
        body += "</table><h2>Participants</h2><table><tr><th>#</th><th>answers</th><th>accuracy</th><th>mean confidence</th></tr>"
        for p in a.participants {
            body += "<tr><td>\(p.number)</td><td>\(p.answers)</td><td>\(pct(p.accuracy))</td><td>\(String(format: "%.1f", p.meanConfidence))</td></tr>"
        }
        body += "</table><h2>Confidence</h2><table><tr><th>confidence</th><th>answers</th><th>mean confidence</th><th>accuracy</th></tr>"
        for b in a.calibration {
            body += "<tr><td>\(b.lower)–\(b.upper)</td><td>\(b.answers)</td><td>\(b.meanConfidence.map { String(format: "%.1f", $0) } ?? "–")</td><td>\(pct(b.accuracy))</td></tr>"
        }
        body += "</table>"
        for (title, url) in figures { body += HTMLText.pngFigure(try Data(contentsOf: url), title: title) }
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Real or AI? study report</title><style>
            body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
            table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
            img{max-width:100%}figure{margin:1.5em 0}
            </style></head><body>\(body)</body></html>
            """
    }
}
