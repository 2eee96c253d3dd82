import Data
import Foundation
import Imaging

/// Why an aligned shard could not be made.
public enum AlignedShardError: Error, CustomStringConvertible, Equatable {
    /// The input holds no image with the `from` label.
    case noInput(label: String)
    /// Every image failed (too small, unreadable).
    case nothingReconstructed(skipped: Int)

    /// One line for the user.
    public var description: String {
        switch self {
        case .noInput(let label): "no images labelled \(label) in the input"
        case .nothingReconstructed(let skipped): "no image could be reconstructed (\(skipped) skipped)"
        }
    }
}

/// A shard of aligned fakes (what `discern dataset reconstruct` writes): each image labelled `from` passed through an
/// `AlignedReconstructor`, stored as JPEG under `aligned/LABEL/<source stem>.jpg` in one `.tar.gz`, with a JSONL manifest
/// that pairs each reconstruction with its source (`source`, `group` = the source's file-name stem, `split`, `crop`
/// [x, y, w, h], `psnr` in dB, `sha256`, sorted keys).
public struct AlignedShard {
    /// The label of the images to reconstruct, and the label of the reconstructions.
    public var from: String, label: String
    /// JPEG quality (1-100) and chroma subsampling of the output.
    public var quality: Int, subsampling: JPEGCodec.ChromaSubsampling
    /// At most this many images (the first ones, in input order); 0 means all.
    public var limit: Int

    /// A shard maker with these settings.
    public init(from: String, label: String, quality: Int, subsampling: JPEGCodec.ChromaSubsampling, limit: Int) {
        (self.from, self.label, self.quality, self.subsampling, self.limit) = (from, label, quality, subsampling, limit)
    }

    /// What was written.
    public struct Summary: Equatable, Sendable {
        /// Reconstructions written and images skipped.
        public var written: Int, skipped: Int
        /// Mean PSNR of the reconstructions against their crops, dB.
        public var meanPSNR: Double
    }

    /// Images `write` will try (each source once; at most `limit`).
    public func wanted(in source: DatasetSource) throws -> Int {
        var sources = Set<String>()
        try source.forEach { item, _ in if item.label == from { sources.insert(item.path) } }
        return limit > 0 ? min(sources.count, limit) : sources.count
    }

    /// Reconstructs the `from` images of `source` into the shard `out` and the manifest `manifest`. `skipped(path, error)`
    /// hears each image that could not be used; `progress(done + skipped, images to try, mean PSNR)` each image reconstructed.
    public func write(source: DatasetSource, reconstructor: AlignedReconstructor, out: String, manifest: String,
                      skipped onSkip: (String, Error) -> Void = { _, _ in },
                      progress: ((Int, Int, Double) -> Void)? = nil) throws -> Summary {
        // A manifest may repeat an image to weight it; each source is reconstructed once.
        let wanted = try wanted(in: source)
        guard wanted > 0 else { throw AlignedShardError.noInput(label: from) }
        var writer = TarWriter(), lines: [String] = [], names = Set<String>(), seen = Set<String>()
        var done = 0, skipped = 0, psnrSum = 0.0
        let shardPath = URL(fileURLWithPath: out).standardizedFileURL.path
        try source.forEach { item, bytes in
            guard item.label == from, done + skipped < wanted, seen.insert(item.path).inserted else { return }
            let result: AlignedReconstructor.Result
            do {
                let image = try ImageDecoder.decode(try bytes.get(), path: item.path)
                guard let r = reconstructor.reconstruct(image) else {
                    throw ImageError.unsupported(path: item.path, reason: "smaller than 8x8 pixels")
                }
                result = r
            } catch {
                skipped += 1
                onSkip(item.path, error)
                return
            }
            let stem = (item.fileName as NSString).deletingPathExtension
            var member = "aligned/\(label)/\(stem).jpg", k = 1
            while names.contains(member) { member = "aligned/\(label)/\(stem)-\(k).jpg"; k += 1 }
            names.insert(member)
            let jpeg = try JPEGCodec.encode(result.reconstruction, quality: quality, subsampling: subsampling)
            try writer.add(name: member, data: jpeg)
            var record: [String: Any] = [
                "path": member, "shard": shardPath, "label": label, "source": item.path, "group": stem,
                "sha256": SHA256Digest.hex(jpeg), "psnr": (result.psnr * 100).rounded() / 100,
                "crop": [result.crop.x, result.crop.y, result.crop.width, result.crop.height],
            ]
            if let split = item.split { record["split"] = split }
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
            done += 1
            psnrSum += result.psnr
            progress?(done + skipped, wanted, psnrSum / Double(done))
        }
        guard done > 0 else { throw AlignedShardError.nothingReconstructed(skipped: skipped) }
        try writer.write(to: URL(fileURLWithPath: out))
        try (lines.joined(separator: "\n") + "\n").write(toFile: manifest, atomically: true, encoding: .utf8)
        return Summary(written: done, skipped: skipped, meanPSNR: psnrSum / Double(done))
    }
}
