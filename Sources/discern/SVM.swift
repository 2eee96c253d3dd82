import ArgumentParser
import ClassifierMetrics
import Evaluation
import Foundation
import Training

/// `discern svm`: a linear SVM (LIBLINEAR) on features from `discern features`.
struct SVMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "svm",
        abstract: "Train or evaluate a linear SVM (LIBLINEAR, L2-regularised L2-loss) on `discern features` output.",
        subcommands: [SVMTrain.self, SVMEval.self])
}

struct SVMTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Fit a linear SVM on a feature file.",
        discussion: "Example: discern svm train --features train.features.safetensors --c 0.1 --out svm.safetensors")

    @Option(help: "Feature file from `discern features`.") var features: String
    @Option(help: "Regularisation trade-off C (LIBLINEAR -c).") var c = 1.0
    @Option(help: "Stopping tolerance (LIBLINEAR -e).") var epsilon = 0.01
    @Option(help: "Output model (.safetensors).") var out: String

    func validate() throws {
        guard c > 0, epsilon > 0 else { throw ValidationError("--c and --epsilon must be positive") }
        guard FileManager.default.fileExists(atPath: features) else { throw ValidationError("\(features): no such feature file") }
    }

    func run() throws {
        let data = try FeatureExtractor.load(URL(fileURLWithPath: features))
        var options = LinearSVM.Options()
        options.c = c
        options.epsilon = epsilon
        let started = Date()
        let svm = try LinearSVM.train(features: data.features, labels: data.labels, classes: data.classes, options: options)
        let seconds = Date().timeIntervalSince(started)
        let predicted = svm.predict(data.features)
        let accuracy = Double(zip(predicted, data.labels).filter { $0 == $1 }.count) / Double(max(data.labels.count, 1))
        try svm.save(to: URL(fileURLWithPath: out), metadata: ["space": data.space, "c": String(c), "features": features])
        print(String(format: "%d x %d features (%@): trained in %.1f s, training accuracy %.2f %%; wrote %@",
                     data.features.shape[0], data.features.shape[1], data.space, seconds, accuracy * 100, out))
    }
}

struct SVMEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Accuracy, precision, recall, F1 and confusion matrix of a linear SVM on a feature file.")

    @Option(help: "Model from `discern svm train`.") var model: String
    @Option(help: "Feature file from `discern features` (same feature space).") var features: String
    @Option(help: "Write the report as JSON here too.") var json: String?

    func validate() throws {
        for p in [model, features] where !FileManager.default.fileExists(atPath: p) { throw ValidationError("\(p): no such file") }
    }

    func run() throws {
        let (svm, meta) = try LinearSVM.load(URL(fileURLWithPath: model))
        let data = try FeatureExtractor.load(URL(fileURLWithPath: features))
        if let space = meta["space"], space != data.space {
            throw ValidationError("feature spaces differ: the SVM was trained on \(space), the file holds \(data.space)")
        }
        guard data.classes == svm.classes else { throw ValidationError("classes differ: SVM \(svm.classes), features \(data.classes)") }
        let started = Date()
        let decisions = svm.decisions(data.features)
        let seconds = Date().timeIntervalSince(started)
        let probabilities = LinearSVM.rankingProbabilities(decisions)
        let metrics = ClassificationMetrics(labels: data.labels, probabilities: probabilities)
        print(String(format: "accuracy %.4f  precision %.4f  recall %.4f  F1 %.4f  macro F1 %.4f  ROC-AUC %@", metrics.accuracy,
                     metrics.precision, metrics.recall, metrics.f1, metrics.macro.f1,
                     metrics.rocAUC.map { String(format: "%.4f", $0) } ?? "n/a"))
        for (name, s) in zip(data.classes, metrics.perClass) {
            print("  " + name.padding(toLength: 8, withPad: " ", startingAt: 0) + String(format: " precision %.4f  recall %.4f  F1 %.4f  support %d", s.precision, s.recall, s.f1, s.support))
        }
        print("confusion (rows: true, columns: predicted) " + data.classes.joined(separator: " / "))
        for (name, row) in zip(data.classes, metrics.confusion) { print("  \(name.padding(toLength: 8, withPad: " ", startingAt: 0)) " + row.map { String(format: "%6d", $0) }.joined(separator: " ")) }
        print(String(format: "%d images, %@, scored in %.2f s", data.labels.count, data.space, seconds))
        if let json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(metrics).write(to: URL(fileURLWithPath: json))
        }
    }
}
