import Foundation

/// One line of `metrics.jsonl` / `metrics.csv`: the training and validation figures of an epoch.
public struct EpochRecord: Codable, Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var trainPrecision: Double
    public var trainRecall: Double
    public var valLoss: Double
    public var valAccuracy: Double
    public var valPrecision: Double
    public var valRecall: Double
    public var valF1: Double
    public var valAUC: Double?
    public var learningRate: Double
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case epoch, seconds
        case trainLoss = "train_loss", trainAccuracy = "train_accuracy", trainPrecision = "train_precision", trainRecall = "train_recall"
        case valLoss = "val_loss", valAccuracy = "val_accuracy", valPrecision = "val_precision", valRecall = "val_recall"
        case valF1 = "val_f1", valAUC = "val_auc", learningRate = "lr"
    }

    static let csvHeader = "epoch,train_loss,train_accuracy,train_precision,train_recall,val_loss,val_accuracy,val_precision,val_recall,val_f1,val_auc,lr,seconds"

    var csvLine: String {
        [String(epoch), "\(trainLoss)", "\(trainAccuracy)", "\(trainPrecision)", "\(trainRecall)", "\(valLoss)", "\(valAccuracy)",
         "\(valPrecision)", "\(valRecall)", "\(valF1)", valAUC.map { "\($0)" } ?? "", "\(learningRate)", String(format: "%.2f", seconds)]
            .joined(separator: ",")
    }
}
