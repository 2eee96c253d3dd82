import Foundation

/// Learning-rate schedules as pure functions of the step (0-based), matching PyTorch's
/// `StepLR`, `CosineAnnealingLR` and `OneCycleLR` (cosine annealing, two phases).
public enum LRSchedule: Codable, Hashable, Sendable {
    /// The base rate throughout.
    case constant
    /// Multiplies the rate by `gamma` every `stepSize` steps.
    case step(stepSize: Int, gamma: Double)
    /// Cosine from the base rate down to `minRate` over `totalSteps`.
    case cosine(totalSteps: Int, minRate: Double)
    /// Warm-up from base/`divFactor` to the base rate over `pctStart` of the run, then cosine down to
    /// base/(`divFactor` * `finalDivFactor`); momentum (or Adam's beta1) cycles 0.95 -> 0.85 -> 0.95.
    case oneCycle(totalSteps: Int, pctStart: Double = 0.3, divFactor: Double = 25, finalDivFactor: Double = 1e4)

    /// The rate for step `t` given the base (for one-cycle: the peak) rate.
    public func learningRate(at t: Int, base: Double) -> Double {
        switch self {
        case .constant:
            return base
        case let .step(stepSize, gamma):
            return base * pow(gamma, Double(t / max(stepSize, 1)))
        case let .cosine(total, minRate):
            return minRate + (base - minRate) * (1 + cos(Double.pi * Double(t) / Double(max(total, 1)))) / 2
        case let .oneCycle(total, pct, div, finalDiv):
            let initial = base / div
            return Self.oneCyclePhase(t, total: total, pct: pct, values: (initial, base, initial / finalDiv))
        }
    }

    /// The momentum / beta1 for step `t`, for schedules that cycle it (one-cycle), else nil.
    public func momentum(at t: Int, base: Double = 0.85, max maxMomentum: Double = 0.95) -> Double? {
        guard case let .oneCycle(total, pct, _, _) = self else { return nil }
        return Self.oneCyclePhase(t, total: total, pct: pct, values: (maxMomentum, base, maxMomentum))
    }

    private static func oneCyclePhase(_ t: Int, total: Int, pct: Double, values: (Double, Double, Double)) -> Double {
        let phaseEnd = pct * Double(total) - 1, lastStep = Double(total - 1)
        let step = Double(t)
        func anneal(_ start: Double, _ end: Double, _ p: Double) -> Double { end + (start - end) / 2 * (cos(Double.pi * p) + 1) }
        if step <= phaseEnd {
            return anneal(values.0, values.1, step / phaseEnd)
        }
        return anneal(values.1, values.2, (step - phaseEnd) / (lastStep - phaseEnd))
    }
}
