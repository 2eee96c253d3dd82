import Foundation
import Tensor

/// Seeded dataset splits and subsets. Items that must stay together — byte-identical files, and
/// optionally names sharing a `--group-by` capture — always land in the same split.
public enum Splitting {
    /// Assigns each item a split by shuffling groups with `seed` and filling `fractions` in order
    /// (e.g. `[("train", 0.8), ("val", 0.1), ("test", 0.1)]`), per label so classes stay balanced.
    ///
    /// - Parameters:
    ///   - sha256: per item, its content hash (duplicates share a group).
    ///   - groupBy: a regular expression whose first capture group, applied to the file name, names a group.
    public static func split(_ items: [LabeledItem], sha256: [String], fractions: [(String, Double)], seed: UInt64, groupBy: String? = nil) throws -> [LabeledItem] {
        let total = fractions.reduce(0) { $0 + $1.1 }
        guard total > 0.999, total < 1.001, fractions.allSatisfy({ $0.1 >= 0 }) else {
            throw DataError.invalidArgument("split fractions must be non-negative and add up to 1, got \(total)")
        }
        let regex = try groupBy.map { pattern -> NSRegularExpression in
            do { return try NSRegularExpression(pattern: pattern) } catch {
                throw DataError.invalidArgument("--group-by: '\(pattern)' is not a valid regular expression")
            }
        }
        // Union-find over items: same hash, or same captured group key.
        var parent = Array(items.indices)
        func find(_ i: Int) -> Int { var i = i; while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }; return i }
        func union(_ a: Int, _ b: Int) { let (ra, rb) = (find(a), find(b)); if ra != rb { parent[max(ra, rb)] = min(ra, rb) } }
        var firstByKey: [String: Int] = [:]
        for (i, item) in items.enumerated() {
            if let j = firstByKey["sha:" + sha256[i]] { union(i, j) } else { firstByKey["sha:" + sha256[i]] = i }
            if let regex {
                let name = item.fileName
                if let m = regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)), m.numberOfRanges > 1,
                   let r = Range(m.range(at: 1), in: name) {
                    let key = "group:" + name[r]
                    if let j = firstByKey[key] { union(i, j) } else { firstByKey[key] = i }
                }
            }
        }
        var groups: [Int: [Int]] = [:]
        for i in items.indices { groups[find(i), default: []].append(i) }
        var roots = groups.keys.sorted()
        var rng = SplitMix64(seed: seed)
        roots.shuffle(using: &rng)
        // Fill each split to its share of the items, group by group.
        var out = items
        let n = Double(items.count)
        var filled = [Int](repeating: 0, count: fractions.count)
        var target = fractions.map { $0.1 * n }
        target[target.count - 1] = .infinity
        var current = 0
        for root in roots {
            while current < fractions.count - 1 && Double(filled[current]) >= target[current] { current += 1 }
            for i in groups[root]! { out[i].split = fractions[current].0; out[i].sha256 = sha256[i] }
            filled[current] += groups[root]!.count
        }
        return out
    }

    /// Indices of `labels` split per class: every `n`-th image of each class (the `n`th, `2n`th, ... in index order)
    /// held out, the rest for training (what `discern demo` does with n = 4). Both lists are ordered by class, then index.
    public static func holdOutEveryNth(labels: [Int], classes: Int, n: Int) -> (train: [Int], held: [Int]) {
        var train: [Int] = [], held: [Int] = []
        for label in 0..<classes {
            for (i, index) in labels.indices.filter({ labels[$0] == label }).enumerated() {
                if i % n == n - 1 { held.append(index) } else { train.append(index) }
            }
        }
        return (train, held)
    }

    /// Up to `perClass` items of each label (all when nil), chosen with `seed`, in original order.
    public static func subset(_ items: [LabeledItem], perClass: Int?, seed: UInt64) -> [LabeledItem] {
        guard let perClass else { return items }
        var rng = SplitMix64(seed: seed)
        var keep = Set<Int>()
        // Sorted: a Set's order changes from run to run, and the labels share one generator.
        for label in Set(items.map(\.label)).sorted() {
            var idx = items.indices.filter { items[$0].label == label }
            idx.shuffle(using: &rng)
            keep.formUnion(idx.prefix(perClass))
        }
        return items.indices.filter(keep.contains).map { items[$0] }
    }
}
