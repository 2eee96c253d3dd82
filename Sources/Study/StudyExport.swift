import Foundation

/// Every answer of a study as CSV (RFC 4180: comma-separated, fields with a comma, quote or line break quoted, quotes
/// doubled; a header line): what `discern study report --export` and the admin route `GET /study/api/export` give.
///
/// Columns: participant (anonymous id), participant_number, image_id, image_sha256, path, label, source, generator,
/// camera, answer, confidence, correct (1/0), answered_at.
public enum StudyExport {
    /// The column names, in order.
    public static let columns = ["participant", "participant_number", "image_id", "image_sha256", "path", "label", "source", "generator",
                                 "camera", "answer", "confidence", "correct", "answered_at"]

    /// The CSV text of every answer.
    public static func csv(_ database: StudyDatabase) throws -> String {
        let images = Dictionary(uniqueKeysWithValues: try database.images().map { ($0.id, $0) })
        var lines = [columns.joined(separator: ",")]
        for a in try database.answers() {
            guard let image = images[a.imageID] else { continue }
            let fields = [a.participant, String(a.participantNumber), String(a.imageID), image.sha256, image.path, image.label, image.source,
                          image.generator ?? "", image.camera ?? "", a.answer, String(a.confidence), a.answer == image.label ? "1" : "0", a.answeredAt]
            lines.append(fields.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// One field, quoted when it must be.
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
