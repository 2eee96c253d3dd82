import Foundation

/// A "model soup" checkpoint on disk (what `discern soup` writes): the weighted mean of member checkpoints
/// (`WeightAveraging.mean`), with the members and weights recorded in its metadata (`soup_of`, `soup_weights`).
public enum ModelSoup {
    /// What `write` produced.
    public struct Written: Equatable, Sendable {
        /// The soup's metadata as written.
        public var metadata: CheckpointMetadata
        /// Number of tensors written.
        public var tensorCount: Int
    }

    /// Reads `members` (checkpoint paths, recorded as given), averages them with `weights` (nil = equal) and writes the soup to `out`.
    /// Throws `WeightAveragingError` when the members are not one architecture or the weights are wrong.
    @discardableResult
    public static func write(members: [String], weights: [Double]? = nil, to out: URL) throws -> Written {
        let checkpoints = try members.map { path in
            let (tensors, metadata) = try Safetensors.read(URL(fileURLWithPath: path))
            return (path: path, tensors: tensors, metadata: metadata)
        }
        let soup = try WeightAveraging.mean(checkpoints, weights: weights)
        var metadata = try CheckpointMetadata(soup.metadata, path: members[0])
        metadata.soupOf = members.joined(separator: " ")
        metadata.soupWeights = (weights ?? members.map { _ in 1 }).map { String($0) }.joined(separator: ",")
        try Safetensors.write(soup.tensors, metadata: metadata.map, to: out)
        return Written(metadata: metadata, tensorCount: soup.tensors.count)
    }
}
