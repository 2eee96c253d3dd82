import NN
import Tensor

/// The optimizers `discern train --optimizer` offers; the raw value is the name in configs and checkpoints.
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    /// Adam with L2 weight decay in the gradient (PyTorch's `Adam`).
    case adam
    /// Adam with decoupled weight decay (PyTorch's `AdamW`).
    case adamw
    /// Adam with the infinity norm (PyTorch's `Adamax`).
    case adamax
    /// SGD with Nesterov momentum.
    case sgd

    /// The optimizer over `parameters`.
    /// - Parameters:
    ///   - momentum: SGD's Nesterov momentum, or Adam's / Adamax's beta1.
    ///   - weightDecay: L2 (adam, adamax, sgd) or decoupled (adamw) decay per step.
    public func make(_ parameters: [(name: String, tensor: Tensor)], learningRate: Float, momentum: Float, weightDecay: Float) -> Optimizer {
        switch self {
        case .sgd: SGD(parameters: parameters, learningRate: learningRate, momentum: momentum, nesterov: true, weightDecay: weightDecay)
        case .adamw: Adam(parameters: parameters, learningRate: learningRate, beta1: momentum, weightDecay: weightDecay, decoupled: true)
        case .adamax: Adamax(parameters: parameters, learningRate: learningRate, beta1: momentum, weightDecay: weightDecay)
        case .adam: Adam(parameters: parameters, learningRate: learningRate, beta1: momentum, weightDecay: weightDecay)
        }
    }
}

/// The learning-rate schedules `discern train --schedule` offers; the raw value is the name in configs.
public enum ScheduleKind: String, Codable, CaseIterable, Sendable {
    /// The base rate throughout.
    case constant
    /// Cosine decay to 0 over the run.
    case cosine
    /// Smith's one-cycle policy (warm-up, then annealing; momentum cycles the other way).
    case oneCycle = "one-cycle"
    /// The rate times 0.1 after each third of the run.
    case step

    /// The schedule for a run of `totalSteps` optimizer steps.
    public func make(totalSteps: Int) -> LRSchedule {
        switch self {
        case .cosine: .cosine(totalSteps: totalSteps, minRate: 0)
        case .oneCycle: .oneCycle(totalSteps: totalSteps)
        case .step: .step(stepSize: max(1, totalSteps / 3), gamma: 0.1)
        case .constant: .constant
        }
    }
}

extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// "a, b, c or d": the raw values for a message.
    static var spelledOut: String {
        let names = allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    /// The case named `name`, or `TrainingError.invalidConfig` naming `field` and the choices.
    static func named(_ name: String, field: String) throws -> Self {
        guard let value = Self(rawValue: name) else {
            throw TrainingError.invalidConfig("\(field) must be \(spelledOut), not '\(name)'")
        }
        return value
    }
}
