import Foundation

/// One line of `metrics.jsonl` / `metrics.csv`: the training and validation figures of an epoch.
public struct EpochRecord: Codable, Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training loss over the epoch's batches (BCE or cross-entropy, plus the region loss when on).
    public var trainLoss: Double
    /// Training accuracy over the epoch (0...1; augmented images, dropout on).
    public var trainAccuracy: Double
    /// Training precision and recall of FAKE (binary) or their macro means (more classes), 0...1.
    public var trainPrecision: Double
    /// See `trainPrecision`.
    public var trainRecall: Double
    /// Validation loss (no region loss), accuracy, precision, recall and F1, as `ClassificationMetrics` computes them.
    public var valLoss: Double
    /// See `valLoss`.
    public var valAccuracy: Double
    /// See `valLoss`.
    public var valPrecision: Double
    /// See `valLoss`.
    public var valRecall: Double
    /// See `valLoss`.
    public var valF1: Double
    /// Validation ROC-AUC (nil when the validation set has one class).
    public var valAUC: Double?
    /// Learning rate at the epoch's last step.
    public var learningRate: Double
    /// Wall time of the epoch in seconds (training and validation).
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
