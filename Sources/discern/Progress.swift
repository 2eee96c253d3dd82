import Foundation

/// A one-line progress bar on standard error, redrawn in place on a terminal and printed at most
/// every 10 % otherwise (so logs stay short).
final class ProgressBar {
    private let total: Int
    private let label: String
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastDecile = -1
    private let start = Date()
    private let unknownTotal: Bool
    private var lastPrint = Date.distantPast

    init(total: Int, label: String, unknownTotal: Bool = false) {
        self.total = max(total, 1)
        self.label = label
        self.unknownTotal = unknownTotal
    }

    /// Final line for a count-only bar.
    func finish(_ done: Int) {
        guard unknownTotal else { return update(done) }
        let elapsed = Date().timeIntervalSince(start)
        let line = "\(label) \(done) done in \(String(format: "%.1f", elapsed)) s\n"
        FileHandle.standardError.write(Data(((isTerminal ? "\r\u{1B}[K" : "") + line).utf8))
    }

    /// A rate readable at any speed: "250/s", "3.4/s", or "12.5 s each" below one per second.
    static func rate(_ perSecond: Double) -> String {
        if perSecond >= 10 { return String(format: "%.0f/s", perSecond) }
        if perSecond >= 1 { return String(format: "%.1f/s", perSecond) }
        return perSecond > 0 ? String(format: "%.1f s each", 1 / perSecond) : "-"
    }

    /// "45s", "3m05s" or "2h07m".
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }

    /// Shows `done` of `total` with an optional status text.
    func update(_ done: Int, status: String = "") {
        if unknownTotal {
            // No total: a running count, redrawn on a terminal, every 10 s in logs.
            let elapsed = Date().timeIntervalSince(start)
            let line = "\(label) \(done) (\(Self.rate(Double(done) / max(elapsed, 1e-9))))"
            if isTerminal { FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8)) }
            else if Date().timeIntervalSince(lastPrint) > 10 { lastPrint = Date(); FileHandle.standardError.write(Data((line + "\n").utf8)) }
            return
        }
        let fraction = Double(min(done, total)) / Double(total)
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let width = 24, filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = rate > 0 && done < total ? " eta " + Self.duration(Double(total - done) / rate) : ""
        let line = "\(label) [\(bar)] \(done)/\(total) \(Self.rate(rate))\(eta) \(status)"
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
            if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let decile = Int(fraction * 10)
            if decile != lastDecile { lastDecile = decile; FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
    }
}
