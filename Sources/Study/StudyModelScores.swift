import Foundation
import Imaging
import Inference

/// A detector's answers on a study's images, from the original bytes and the pixels alone (no metadata evidence: the
/// participants see the pixels without metadata, so the comparison is pixels against pixels).
public struct StudyModelScores: Codable, Equatable, Sendable {
    /// The model's name in reports (its file name, or "default detector").
    public var name: String
    /// Calibrated p(FAKE) by image row id.
    public var pFake: [Int64: Double]
    /// The verdict (`REAL`, `FAKE`, `UNSURE`: the model's unsure band and familiarity rule apply) by image row id.
    public var verdict: [Int64: String]

    /// Scores as given.
    public init(name: String, pFake: [Int64: Double], verdict: [Int64: String]) {
        (self.name, self.pFake, self.verdict) = (name, pFake, verdict)
    }

    /// The model's forced choice on an image, as a participant must make one: FAKE when p(FAKE) >= 0.5.
    public func decision(_ id: Int64) -> String? { pFake[id].map { $0 >= 0.5 ? "FAKE" : "REAL" } }

    /// Scores every image of `database` with `detector` (a REAL/FAKE model), `batch` images per forward pass.
    public static func score(_ database: StudyDatabase, detector: Detector, name: String, batch: Int = 16,
                             progress: ((Int) -> Void)? = nil) throws -> StudyModelScores {
        let images = try database.images()
        var result = StudyModelScores(name: name, pFake: [:], verdict: [:])
        var start = 0
        while start < images.count {
            let slice = Array(images[start..<min(start + batch, images.count)])
            let decoded = try slice.map { try ImageDecoder.decode(try database.originalBytes($0.id), path: $0.token) }
            let scores = detector.scores(decoded)
            for (i, image) in slice.enumerated() {
                let p = scores[i].probabilities[1]
                let judgement = detector.judgement(path: image.token, image: decoded[i], evidence: [], pFake: p, distance: scores[i].distance)
                result.pFake[image.id] = p
                result.verdict[image.id] = judgement.verdict.rawValue
            }
            start += slice.count
            progress?(start)
        }
        return result
    }
}
