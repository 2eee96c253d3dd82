import Foundation
import Tensor

/// The figures of a study: people against the detector(s) on the same images (what `discern study report` prints).
///
/// Definitions (each recomputed from the exported CSV by `scripts/interop/check_study.py`):
/// - human accuracy: correct answers / answers, pooled over every participant and image;
/// - its 95 % interval: a two-way bootstrap (participants and images resampled independently, with replacement; an
///   answer counts as often as its participant times its image were drawn), `bootstrap` rounds from SplitMix64(`seed`),
///   index `next() % n`, participants by arrival number drawn before images by row id in each round (a round whose
///   draw holds no answer is left out); the 2.5 and 97.5 percentiles with linear interpolation (numpy's default);
/// - a model's accuracy: its forced choice (FAKE when p(FAKE) >= 0.5) against the label, per image; its verdicts
///   (with the unsure band) are counted separately;
/// - Cohen's kappa between people and a model: each answer paired with the model's forced choice on that image; and
///   per image, the majority of people's answers (ties count as FAKE) against the model;
/// - calibration: answers binned by confidence ([50, 60), [60, 70), [70, 80), [80, 90), [90, 100]), each bin's mean
///   confidence and accuracy.
public struct StudyAnalysis: Codable, Equatable, Sendable {
    /// People overall.
    public struct Humans: Codable, Equatable, Sendable {
        /// Participants with at least one answer, images in the study, answers, correct answers.
        public var participants: Int, images: Int, answers: Int, correct: Int
        /// correct / answers (NaN without answers).
        public var accuracy: Double
        /// 95 % bootstrap interval of `accuracy`.
        public var interval: [Double]
        /// Rounds behind the interval.
        public var bootstrap: Int
    }
    /// One participant.
    public struct Participant: Codable, Equatable, Sendable {
        /// Arrival number, answers given, correct answers.
        public var number: Int, answers: Int, correct: Int
        /// correct / answers, and the mean stated confidence (50-100).
        public var accuracy: Double, meanConfidence: Double
    }
    /// People and models on one group of images (a source, generator, camera or label).
    public struct Group: Codable, Equatable, Sendable {
        /// `label`, `source`, `generator` or `camera`.
        public var kind: String
        /// The source, generator, camera or label.
        public var name: String
        /// Images in the group and answers on them.
        public var images: Int, answers: Int
        /// People's accuracy on the group (nil without answers).
        public var humanAccuracy: Double?
        /// Each model's accuracy on the group's images, in `models` order.
        public var modelAccuracy: [Double]
    }
    /// One model.
    public struct Model: Codable, Equatable, Sendable {
        /// The model's name.
        public var name: String
        /// Images scored and the forced choices that were right.
        public var images: Int, correct: Int
        /// correct / images.
        public var accuracy: Double
        /// Verdict counts with the unsure band (REAL, FAKE, UNSURE).
        public var verdicts: [String: Int]
        /// Kappa between each answer and the model's choice on its image; nil when undefined.
        public var kappaAnswers: Double?
        /// Kappa between the per-image majority of answers and the model's choice; nil when undefined.
        public var kappaMajority: Double?
        /// Images most people got wrong (human accuracy < 0.5) that the model got right, and the reverse (row ids).
        public var peopleMissModelGets: [Int64], modelMissesPeopleGet: [Int64]
    }
    /// One confidence bin.
    public struct Bin: Codable, Equatable, Sendable {
        /// The bin [lower, upper) (the last includes 100) and its answers.
        public var lower: Int, upper: Int, answers: Int
        /// Mean stated confidence and accuracy in the bin (nil when empty).
        public var meanConfidence: Double?, accuracy: Double?
    }
    /// One image with its figures.
    public struct Image: Codable, Equatable, Sendable {
        /// The image's row id.
        public var id: Int64
        /// Its hidden label and its source.
        public var label: String, source: String
        /// Its generator or camera, when a manifest named them.
        public var generator: String?, camera: String?
        /// Answers on it and correct ones.
        public var answers: Int, correct: Int
        /// correct / answers (nil without answers).
        public var humanAccuracy: Double?
        /// Each model's p(FAKE), in `models` order.
        public var pFake: [Double]
    }

    /// People overall.
    public var humans: Humans
    /// Each participant, by arrival number.
    public var participants: [Participant]
    /// Label, source, generator and camera groups, by name within each kind.
    public var groups: [Group]
    /// Each model compared.
    public var models: [Model]
    /// The five confidence bins.
    public var calibration: [Bin]
    /// Each image, by row id.
    public var images: [Image]

    /// Figures of `answers` on `images`, with `models` scored on the same images.
    public static func analyse(images: [StudyDatabase.Image], answers: [StudyDatabase.Answer], models: [StudyModelScores],
                               bootstrap: Int = 2000, seed: UInt64 = 0) -> StudyAnalysis {
        let label = Dictionary(uniqueKeysWithValues: images.map { ($0.id, $0.label) })
        let isRight = answers.map { label[$0.imageID] == $0.answer }
        let correct = isRight.filter { $0 }.count
        let numbers = Array(Set(answers.map(\.participantNumber))).sorted()

        var byImage: [Int64: (n: Int, right: Int, fake: Int)] = [:]
        for (a, right) in zip(answers, isRight) {
            var e = byImage[a.imageID] ?? (0, 0, 0)
            e.n += 1
            e.right += right ? 1 : 0
            e.fake += a.answer == "FAKE" ? 1 : 0
            byImage[a.imageID] = e
        }
        func share(_ a: Int, _ b: Int) -> Double? { b > 0 ? Double(a) / Double(b) : nil }

        let humans = Humans(participants: numbers.count, images: images.count, answers: answers.count, correct: correct,
                            accuracy: share(correct, answers.count) ?? .nan,
                            interval: bootstrapInterval(answers: answers, isRight: isRight, participants: numbers,
                                                        imageIDs: images.map(\.id), rounds: bootstrap, seed: seed),
                            bootstrap: bootstrap)

        let participants = numbers.map { number -> Participant in
            let mine = answers.indices.filter { answers[$0].participantNumber == number }
            let right = mine.filter { isRight[$0] }.count
            return Participant(number: number, answers: mine.count, correct: right, accuracy: Double(right) / Double(mine.count),
                               meanConfidence: Double(mine.map { answers[$0].confidence }.reduce(0, +)) / Double(mine.count))
        }

        var groups: [Group] = []
        let kinds: [(String, (StudyDatabase.Image) -> String?)] = [("label", { $0.label }), ("source", { $0.source }),
                                                                     ("generator", { $0.generator }), ("camera", { $0.camera })]
        for (kind, key) in kinds {
            var members: [String: [Int64]] = [:]
            for image in images { if let k = key(image) { members[k, default: []].append(image.id) } }
            for name in members.keys.sorted() {
                let ids = members[name]!
                let n = ids.map { byImage[$0]?.n ?? 0 }.reduce(0, +), right = ids.map { byImage[$0]?.right ?? 0 }.reduce(0, +)
                let modelAccuracy = models.map { m in Double(ids.filter { m.decision($0) == label[$0] }.count) / Double(ids.count) }
                groups.append(Group(kind: kind, name: name, images: ids.count, answers: n, humanAccuracy: share(right, n), modelAccuracy: modelAccuracy))
            }
        }

        let modelFigures = models.map { m -> Model in
            let right = images.filter { m.decision($0.id) == $0.label }.count
            var verdicts: [String: Int] = [:]
            for image in images { if let v = m.verdict[image.id] { verdicts[v, default: 0] += 1 } }
            let pairs = answers.compactMap { a in m.decision(a.imageID).map { (a.answer, $0) } }
            let majority = images.compactMap { image -> (String, String)? in
                guard let e = byImage[image.id], let d = m.decision(image.id) else { return nil }
                return (2 * e.fake >= e.n ? "FAKE" : "REAL", d)
            }
            let humanAccuracy = { (id: Int64) -> Double? in byImage[id].flatMap { share($0.right, $0.n) } }
            return Model(name: m.name, images: images.count, correct: right, accuracy: Double(right) / Double(max(images.count, 1)),
                         verdicts: verdicts, kappaAnswers: kappa(pairs), kappaMajority: kappa(majority),
                         peopleMissModelGets: images.filter { (humanAccuracy($0.id) ?? 1) < 0.5 && m.decision($0.id) == $0.label }.map(\.id),
                         modelMissesPeopleGet: images.filter { (humanAccuracy($0.id) ?? 0) >= 0.5 && m.decision($0.id) != $0.label }.map(\.id))
        }

        let calibration = stride(from: 50, to: 100, by: 10).map { lower -> Bin in
            let upper = lower + 10
            let inBin = answers.indices.filter { answers[$0].confidence >= lower && (answers[$0].confidence < upper || upper == 100) }
            return Bin(lower: lower, upper: upper, answers: inBin.count,
                       meanConfidence: inBin.isEmpty ? nil : Double(inBin.map { answers[$0].confidence }.reduce(0, +)) / Double(inBin.count),
                       accuracy: share(inBin.filter { isRight[$0] }.count, inBin.count))
        }

        let imageFigures = images.map { image in
            Image(id: image.id, label: image.label, source: image.source, generator: image.generator, camera: image.camera,
                  answers: byImage[image.id]?.n ?? 0, correct: byImage[image.id]?.right ?? 0,
                  humanAccuracy: byImage[image.id].flatMap { share($0.right, $0.n) }, pFake: models.map { $0.pFake[image.id] ?? .nan })
        }
        return StudyAnalysis(humans: humans, participants: participants, groups: groups, models: modelFigures,
                             calibration: calibration, images: imageFigures)
    }

    /// Cohen's kappa of paired binary ratings; nil when chance agreement is 1 (both raters constant and equal).
    public static func kappa(_ pairs: [(String, String)]) -> Double? {
        guard !pairs.isEmpty else { return nil }
        let n = Double(pairs.count)
        let agree = Double(pairs.filter { $0.0 == $0.1 }.count) / n
        let a = Double(pairs.filter { $0.0 == "FAKE" }.count) / n, b = Double(pairs.filter { $0.1 == "FAKE" }.count) / n
        let chance = a * b + (1 - a) * (1 - b)
        guard chance < 1 else { return nil }
        return (agree - chance) / (1 - chance)
    }

    /// The two-way bootstrap interval described above.
    static func bootstrapInterval(answers: [StudyDatabase.Answer], isRight: [Bool], participants: [Int], imageIDs: [Int64],
                                  rounds: Int, seed: UInt64) -> [Double] {
        guard rounds > 0, !answers.isEmpty else { return [.nan, .nan] }
        let pIndex = Dictionary(uniqueKeysWithValues: participants.enumerated().map { ($1, $0) })
        let iIndex = Dictionary(uniqueKeysWithValues: imageIDs.enumerated().map { ($1, $0) })
        let cells = answers.indices.compactMap { k -> (Int, Int, Bool)? in
            guard let p = pIndex[answers[k].participantNumber], let i = iIndex[answers[k].imageID] else { return nil }
            return (p, i, isRight[k])
        }
        var rng = SplitMix64(seed: seed)
        var values: [Double] = []
        for _ in 0..<rounds {
            var wp = [Double](repeating: 0, count: participants.count), wi = [Double](repeating: 0, count: imageIDs.count)
            for _ in participants.indices { wp[Int(rng.next() % UInt64(participants.count))] += 1 }
            for _ in imageIDs.indices { wi[Int(rng.next() % UInt64(imageIDs.count))] += 1 }
            var total = 0.0, right = 0.0
            for (p, i, r) in cells {
                let w = wp[p] * wi[i]
                total += w
                if r { right += w }
            }
            if total > 0 { values.append(right / total) }
        }
        values.sort()
        return [percentile(values, 2.5), percentile(values, 97.5)]
    }

    /// numpy's default (linear) percentile of sorted `x`.
    static func percentile(_ x: [Double], _ q: Double) -> Double {
        guard !x.isEmpty else { return .nan }
        let position = q / 100 * Double(x.count - 1)
        let lo = Int(position.rounded(.down)), hi = min(lo + 1, x.count - 1)
        return x[lo] + (x[hi] - x[lo]) * (position - Double(lo))
    }
}
