import Foundation
import Imaging

/// What `discern dataset inspect` reports: counts per split and label, sizes and formats,
/// duplicates by SHA-256, per-class JPEG quality, manifest checksum mismatches and unreadable inputs.
public struct DatasetReport: Codable, Sendable {
    /// Inputs seen, readable or not.
    public var total = 0
    /// Readable images per label.
    public var counts: [String: Int] = [:]
    /// Readable images per split (`all` for inputs without one), then per label.
    public var splits: [String: [String: Int]] = [:]
    /// Readable images per size, keyed `WIDTHxHEIGHT` in pixels.
    public var sizes: [String: Int] = [:]
    /// Readable files per format (`jpeg`, `png`, `unknown`).
    public var formats: [String: Int] = [:]
    /// Inputs that could not be read or decoded.
    public var unreadable = 0
    /// Unreadable inputs per error kind (`ImageError.kind`, else `unreadable`).
    public var errors: [String: Int] = [:]
    /// The messages of the first 100 unreadable inputs (each names its file).
    public var unreadableFiles: [String] = []
    /// Files whose bytes equal an earlier file's.
    public var duplicates = 0
    /// Duplicates whose earlier copy is in the same split.
    public var duplicatesWithinSplit = 0
    /// Duplicates whose earlier copy is in another split (inflates test results).
    public var duplicatesAcrossSplits = 0
    /// Duplicates whose earlier copy carries another label.
    public var duplicatesAcrossLabels = 0
    /// Per label: the most common estimated JPEG quality and how many files had it.
    public var jpegQuality: [String: QualitySummary] = [:]
    /// Inputs whose bytes differ from their manifest sha256.
    public var checksumMismatches = 0
    /// Files whose bytes differ from their manifest sha256 (the first 100).
    public var checksumMismatchFiles: [String] = []
    /// Inputs with a manifest sha256 that were read and hashed.
    public var checksumsVerified = 0
    /// Inputs without a manifest sha256 (nothing to verify them against).
    public var checksumsMissing = 0
    /// Inputs with a manifest sha256 whose bytes could not be read (missing from the archive, say); also listed in
    /// `checksumMismatchFiles`.
    public var checksumsUnread = 0
    /// Per label: how many readable files of each format (`jpeg`, `png`).
    public var formatsByLabel: [String: [String: Int]] = [:]
    /// Per label: the median pixel count (width x height) of its readable images.
    public var medianPixelsByLabel: [String: Int] = [:]
    /// Human-readable warnings about the data (quality, format or size differing between classes, duplicates across
    /// splits or labels, checksum mismatches).
    public var warnings: [String] = []

    /// One label's JPEG quality estimate, from the first quantisation table of each JPEG file.
    public struct QualitySummary: Codable, Sendable {
        /// The most common estimated quality, 1...100.
        public var mode: Int
        /// The share (0...1) of the label's JPEG files with quality `mode`.
        public var share: Double
        /// The share (0...1) of the label's JPEG files whose table is exactly libjpeg's (IJG's) at its estimated quality.
        public var exactIJG: Double

        enum CodingKeys: String, CodingKey { case mode, share, exactIJG = "exact_ijg" }
    }

    enum CodingKeys: String, CodingKey {
        case total, counts, splits, sizes, formats, unreadable, errors, duplicates, warnings
        case unreadableFiles = "unreadable_files", duplicatesWithinSplit = "duplicates_within_split"
        case duplicatesAcrossSplits = "duplicates_across_splits", duplicatesAcrossLabels = "duplicates_across_labels"
        case jpegQuality = "jpeg_quality", checksumMismatches = "checksum_mismatches"
        case checksumMismatchFiles = "checksum_mismatch_files", checksumsVerified = "checksums_verified", checksumsMissing = "checksums_missing", checksumsUnread = "checksums_unread"
        case formatsByLabel = "formats_by_label", medianPixelsByLabel = "median_pixels_by_label"
    }

    /// Reads and decodes every input of `source` (headers only for size; pixels to prove readability).
    public static func inspect(_ source: DatasetSource, maxPixels: Int = JPEGCodec.defaultMaxPixels, progress: ((Int) -> Void)? = nil) throws -> DatasetReport {
        var r = DatasetReport()
        var seen: [String: (split: String?, label: String)] = [:]
        var qualities: [String: [Int: Int]] = [:], exact: [String: Int] = [:], jpegs: [String: Int] = [:]
        var pixels: [String: [Int]] = [:]
        var pending: [(LabeledItem, Result<Data, Error>)] = []
        func flush() {
            var outcomes = [(Result<RGBImage, Error>, String?)](repeating: (.failure(ImageError.empty(path: "")), nil), count: pending.count)
            let chunk = pending
            outcomes.withUnsafeMutableBufferPointer { out in
                let base = out.baseAddress!
                DispatchQueue.concurrentPerform(iterations: ProcessInfo.processInfo.activeProcessorCount) { w in
                    for i in stride(from: w, to: chunk.count, by: ProcessInfo.processInfo.activeProcessorCount) {
                        switch chunk[i].1 {
                        case let .failure(e): base[i] = (.failure(e), nil)
                        case let .success(data):
                            base[i] = (Result { try ImageDecoder.decode(data, path: chunk[i].0.path, maxPixels: maxPixels) }, SHA256Digest.hex(data))
                        }
                    }
                }
            }
            for ((item, bytes), (image, sha)) in zip(chunk, outcomes) {
                r.total += 1
                // Checksums first: a file whose bytes changed may well no longer decode.
                if case let .success(data) = bytes {
                    if let expected = item.sha256 {
                        r.checksumsVerified += 1
                        if expected.lowercased() != (sha ?? SHA256Digest.hex(data)) {
                            r.checksumMismatches += 1
                            if r.checksumMismatchFiles.count < 100 { r.checksumMismatchFiles.append(item.path) }
                        }
                    } else {
                        r.checksumsMissing += 1
                    }
                } else if item.sha256 != nil {
                    r.checksumsUnread += 1
                    if r.checksumMismatchFiles.count < 100 { r.checksumMismatchFiles.append(item.path) }
                } else {
                    r.checksumsMissing += 1
                }
                switch image {
                case let .failure(error):
                    r.unreadable += 1
                    let kind = (error as? ImageError)?.kind ?? (error as? DataError).map { _ in "unreadable" } ?? "unreadable"
                    r.errors[kind, default: 0] += 1
                    if r.unreadableFiles.count < 100 { r.unreadableFiles.append("\(error)") }
                    continue
                case let .success(img):
                    r.counts[item.label, default: 0] += 1
                    r.splits[item.split ?? "all", default: [:]][item.label, default: 0] += 1
                    r.sizes["\(img.width)x\(img.height)", default: 0] += 1
                    pixels[item.label, default: []].append(img.width * img.height)
                }
                guard case let .success(data) = bytes, let sha else { continue }
                let format = ImageDecoder.format(of: data) ?? "unknown"
                r.formats[format, default: 0] += 1
                r.formatsByLabel[item.label, default: [:]][format, default: 0] += 1
                if format == "jpeg", let q = JPEGQuality.estimate(data) {
                    qualities[item.label, default: [:]][q.quality, default: 0] += 1
                    jpegs[item.label, default: 0] += 1
                    if q.exact { exact[item.label, default: 0] += 1 }
                }
                if let first = seen[sha] {
                    r.duplicates += 1
                    if first.split == item.split { r.duplicatesWithinSplit += 1 } else { r.duplicatesAcrossSplits += 1 }
                    if first.label != item.label { r.duplicatesAcrossLabels += 1 }
                } else {
                    seen[sha] = (item.split, item.label)
                }
            }
            pending.removeAll(keepingCapacity: true)
            progress?(r.total)
        }
        try source.forEach { item, bytes in
            pending.append((item, bytes))
            if pending.count >= 2048 { flush() }
        }
        flush()
        for (label, hist) in qualities {
            let (mode, n) = hist.max { $0.value < $1.value }!
            let total = Double(jpegs[label] ?? 1)
            r.jpegQuality[label] = QualitySummary(mode: mode, share: Double(n) / total, exactIJG: Double(exact[label] ?? 0) / total)
        }
        let modes = Set(r.jpegQuality.values.map(\.mode))
        if modes.count > 1 {
            r.warnings.append("JPEG quality differs between classes (\(r.jpegQuality.map { "\($0.key): \($0.value.mode)" }.sorted().joined(separator: ", "))): a detector can learn the compression instead of the content")
        }
        if Set(r.formats.keys).count > 1 {
            r.warnings.append("mixed file formats \(r.formats.keys.sorted()): check that no class is stored in a format of its own")
        }
        r.warnings += classImbalanceWarnings(formats: r.formatsByLabel, pixels: pixels, medians: &r.medianPixelsByLabel)
        if r.duplicatesAcrossSplits > 0 { r.warnings.append("\(r.duplicatesAcrossSplits) duplicate files cross splits: test results will be inflated") }
        if r.duplicatesAcrossLabels > 0 { r.warnings.append("\(r.duplicatesAcrossLabels) identical files carry different labels") }
        if r.checksumMismatches > 0 { r.warnings.append("\(r.checksumMismatches) files differ from their manifest sha256") }
        return r
    }

    /// Warnings for classes that differ in file format (a format's share differs by more than 20 points between two
    /// classes) or in image size (medians more than 2x apart): a detector can learn either instead of the pixels'
    /// origin. Fills `medians` (per label) on the way.
    static func classImbalanceWarnings(formats: [String: [String: Int]], pixels: [String: [Int]], medians: inout [String: Int]) -> [String] {
        var out: [String] = []
        let labels = formats.keys.sorted()
        let allFormats = Set(formats.values.flatMap(\.keys)).sorted()
        func share(_ label: String, _ format: String) -> Double {
            let counts = formats[label] ?? [:]
            return Double(counts[format] ?? 0) / Double(max(counts.values.reduce(0, +), 1))
        }
        for format in allFormats {
            let shares = labels.map { ($0, share($0, format)) }
            if let hi = shares.max(by: { $0.1 < $1.1 }), let lo = shares.min(by: { $0.1 < $1.1 }), hi.1 - lo.1 > 0.2 {
                out.append(String(format: "%@ is %.0f %% of %@ but %.0f %% of %@: a detector can learn the file format", format.uppercased(), hi.1 * 100, hi.0, lo.1 * 100, lo.0))
            }
        }
        for (label, values) in pixels where !values.isEmpty { medians[label] = values.sorted()[values.count / 2] }
        if let hi = medians.max(by: { $0.value < $1.value }), let lo = medians.min(by: { $0.value < $1.value }), lo.value > 0,
           Double(hi.value) / Double(lo.value) > 2 {
            out.append(String(format: "median image size of %@ is %.2f MP, of %@ %.2f MP: a detector can learn the size (crop both classes alike)",
                              hi.key, Double(hi.value) / 1e6, lo.key, Double(lo.value) / 1e6))
        }
        return out
    }
}
