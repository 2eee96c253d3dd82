import Foundation

/// What `GET /v1/model` tells about a loaded model: its checkpoint metadata without internal
/// bookkeeping, plus its parameter count and the main settings of the training run that made it.
/// Data files are named without their folders (no paths of the training machine).
public enum ModelCard {
    /// Metadata keys that are bookkeeping, not description.
    static let hidden: Set<String> = ["dropout_states", "batch", "format", "config"]

    /// The card of `loaded`: its metadata minus bookkeeping, data file names without folders, the parameter count and
    /// the main training settings (`train_*`).
    public static func json(_ loaded: LoadedModel) -> [String: String] {
        var card = loaded.metadata.map.filter { !hidden.contains($0.key) }
        card["parameters"] = String(loaded.model.parameterCount)
        // File names only: where the training machine kept its data is nobody's business on a public route.
        if let calibration = card["calibration_data"] { card["calibration_data"] = (calibration as NSString).lastPathComponent }
        if let config = loaded.metadata.config.flatMap({ try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }) {
            if let data = config["data"] as? [String] { card["training_data"] = data.map { ($0 as NSString).lastPathComponent }.joined(separator: " ") }
            for key in ["optimizer", "lr", "schedule", "augment", "seed", "epochs"] {
                if let v = config[key] { card["train_\(key)"] = "\(v)" }
            }
        }
        return card
    }
}
