import Foundation
import Tensor

/// Updates parameters in place from their gradients. State (moments, step count) is keyed by the
/// parameters' dotted names so it can be saved in a checkpoint and restored for an exact resume.
public class Optimizer {
    /// The parameters, by dotted name.
    public let parameters: [(name: String, tensor: Tensor)]
    /// Current learning rate (schedules set it before each step).
    public var learningRate: Float
    /// Per-parameter multipliers of `learningRate`, by name (discriminative learning rates); 1 when absent.
    public var learningRateScales: [String: Float] = [:]
    /// Steps taken so far.
    public internal(set) var stepCount = 0
    /// Per-parameter state tensors, e.g. `"exp_avg"` -> name -> tensor.
    var slots: [String: [String: Tensor]] = [:]

    init(parameters: [(name: String, tensor: Tensor)], learningRate: Float) {
        self.parameters = parameters
        self.learningRate = learningRate
    }

    /// Applies one update from the current gradients (parameters without a gradient are skipped).
    public func step() {
        stepCount += 1
        let base = learningRate
        defer { learningRate = base }
        for (name, p) in parameters {
            guard let g = p.grad else { continue }
            learningRate = base * (learningRateScales[name] ?? 1)
            update(name: name, parameter: p.pointer, gradient: g.pointer, count: p.count)
        }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for (_, p) in parameters { p.grad = nil } }

    /// Elements per worker below which an update runs on one thread.
    static let minChunk = 1 << 15

    /// The update rule for one parameter (one pass over it, split over the engine's workers).
    func update(name: String, parameter: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, count: Int) {
        preconditionFailure("\(type(of: self)) does not implement update")
    }

    /// A state slot for `name`, created as zeros on first use.
    func slot(_ kind: String, _ name: String, count: Int) -> UnsafeMutablePointer<Float> {
        if let t = slots[kind]?[name] { return t.pointer }
        let t = Tensor(zeros: [count])
        slots[kind, default: [:]][name] = t
        return t.pointer
    }

    /// The optimizer state as named tensors (`<slot>/<param name>`), plus the step count.
    public func stateDict() -> [String: Tensor] {
        var out: [String: Tensor] = ["step": Tensor(shape: [1], scalars: [Float(stepCount)])]
        for (kind, byName) in slots { for (name, t) in byName { out["\(kind)/\(name)"] = t } }
        return out
    }

    /// Restores a state saved by `stateDict()`.
    public func loadStateDict(_ state: [String: Tensor]) {
        slots = [:]
        for (key, t) in state {
            if key == "step" { stepCount = Int(t.item); continue }
            guard let slash = key.firstIndex(of: "/") else { continue }
            slots[String(key[..<slash]), default: [:]][String(key[key.index(after: slash)...])] = t.copy()
        }
    }
}

/// Stochastic gradient descent with momentum, dampening 0, optional Nesterov and L2 weight decay
/// (PyTorch `torch.optim.SGD`).
public final class SGD: Optimizer {
    /// The momentum factor (0 = plain SGD, no buffer); a schedule may change it between steps.
    public var momentum: Float
    /// Whether the step uses Nesterov momentum (`d + momentum * buffer` instead of the buffer).
    public let nesterov: Bool
    /// The L2 penalty factor added to the gradient as `weightDecay * parameter` (0 = none).
    public let weightDecay: Float

    /// Creates an SGD optimizer.
    /// - Parameters:
    ///   - parameters: The tensors to update, by dotted name (usually `Module.parameters()`).
    ///   - learningRate: The step size.
    ///   - momentum: The momentum factor (default 0: no momentum buffer).
    ///   - nesterov: Whether to use Nesterov momentum.
    ///   - weightDecay: The L2 penalty factor added to the gradient (default 0).
    public init(parameters: [(name: String, tensor: Tensor)], learningRate: Float, momentum: Float = 0,
                nesterov: Bool = false, weightDecay: Float = 0) {
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        super.init(parameters: parameters, learningRate: learningRate)
    }

    override func update(name: String, parameter p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, count: Int) {
        let fresh = slots["momentum_buffer"]?[name] == nil
        let buf = momentum != 0 ? slot("momentum_buffer", name, count: count) : nil
        let (lr, wd, mu, nesterov) = (learningRate, weightDecay, momentum, nesterov)
        Parallel.forRanges(count, minChunk: Self.minChunk) { r in
            for i in r {
                var d = g[i] + wd * p[i]
                if let buf {
                    buf[i] = fresh ? d : mu * buf[i] + d
                    d = nesterov ? d + mu * buf[i] : buf[i]
                }
                p[i] -= lr * d
            }
        }
    }
}

/// Adam (Kingma & Ba), with L2 weight decay added to the gradient, or AdamW (Loshchilov & Hutter)
/// with decoupled decay when `decoupled` — the formulas of PyTorch's `Adam` and `AdamW`.
public final class Adam: Optimizer {
    /// The first moment's decay rate (default 0.9); a one-cycle schedule may change it between steps.
    public var beta1: Float
    /// The second moment's decay rate (default 0.999).
    public let beta2: Float
    /// Added to the bias-corrected root of the second moment in the denominator (default 1e-8).
    public let epsilon: Float
    /// The weight-decay factor: an L2 term in the gradient (Adam), or `parameter *= 1 - learningRate * weightDecay` (AdamW).
    public let weightDecay: Float
    /// Whether decay is decoupled from the gradient (AdamW) instead of added to it (Adam).
    public let decoupled: Bool

    /// Creates an Adam (or, with `decoupled`, AdamW) optimizer.
    /// - Parameters:
    ///   - parameters: The tensors to update, by dotted name (usually `Module.parameters()`).
    ///   - learningRate: The step size (default 1e-3).
    ///   - beta1: The first moment's decay rate (default 0.9).
    ///   - beta2: The second moment's decay rate (default 0.999).
    ///   - epsilon: The denominator's stabiliser (default 1e-8).
    ///   - weightDecay: The decay factor (default 0).
    ///   - decoupled: Whether decay is decoupled (AdamW).
    public init(parameters: [(name: String, tensor: Tensor)], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        super.init(parameters: parameters, learningRate: learningRate)
    }

    /// AdamW with PyTorch's default decay 0.01.
    public static func adamW(parameters: [(name: String, tensor: Tensor)], learningRate: Float = 1e-3, weightDecay: Float = 0.01) -> Adam {
        Adam(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay, decoupled: true)
    }

    override func update(name: String, parameter p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, count: Int) {
        let m = slot("exp_avg", name, count: count), v = slot("exp_avg_sq", name, count: count)
        let t = Float(stepCount)
        let bc1 = 1 - pow(beta1, t), bc2Sqrt = (1 - pow(beta2, t)).squareRoot()
        let stepSize = learningRate / bc1
        let (b1, b2, eps, wd, lr) = (beta1, beta2, epsilon, weightDecay, learningRate)
        // AdamW's decay scales the parameter before the step, in the same pass; Adam's L2 goes into the gradient.
        let decay: Float = decoupled ? 1 - lr * wd : 1
        let l2 = decoupled ? 0 : wd
        Parallel.forRanges(count, minChunk: Self.minChunk) { r in
            for i in r {
                let gi = g[i] + l2 * p[i]
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                p[i] = p[i] * decay - stepSize * m[i] / (v[i].squareRoot() / bc2Sqrt + eps)
            }
        }
    }
}

/// Adamax (Adam with the infinity norm), PyTorch's `torch.optim.Adamax`.
public final class Adamax: Optimizer {
    /// The first moment's decay rate (default 0.9); a one-cycle schedule may change it between steps.
    public var beta1: Float
    /// The decay of the infinity-norm estimate `u = max(beta2 * u, |g| + epsilon)` (default 0.999).
    public let beta2: Float
    /// Added to `|gradient|` inside the infinity norm, keeping it above 0 (default 1e-8).
    public let epsilon: Float
    /// The L2 penalty factor added to the gradient (default 0).
    public let weightDecay: Float

    /// Creates an Adamax optimizer.
    /// - Parameters:
    ///   - parameters: The tensors to update, by dotted name (usually `Module.parameters()`).
    ///   - learningRate: The step size (default 2e-3).
    ///   - beta1: The first moment's decay rate (default 0.9).
    ///   - beta2: The infinity norm's decay rate (default 0.999).
    ///   - epsilon: Added to `|gradient|` in the infinity norm (default 1e-8).
    ///   - weightDecay: The L2 penalty factor added to the gradient (default 0).
    public init(parameters: [(name: String, tensor: Tensor)], learningRate: Float = 2e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        super.init(parameters: parameters, learningRate: learningRate)
    }

    override func update(name: String, parameter p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, count: Int) {
        let m = slot("exp_avg", name, count: count), u = slot("exp_inf", name, count: count)
        let clr = learningRate / (1 - pow(beta1, Float(stepCount)))
        let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
        Parallel.forRanges(count, minChunk: Self.minChunk) { r in
            for i in r {
                let gi = g[i] + wd * p[i]
                m[i] = b1 * m[i] + (1 - b1) * gi
                u[i] = max(b2 * u[i], abs(gi) + eps)
                p[i] -= clr * m[i] / u[i]
            }
        }
    }
}

/// An optimizer with a momentum term that a schedule may cycle (`LRSchedule.momentum(at:)`, one-cycle):
/// SGD's momentum, Adam's and Adamax's beta1.
public protocol MomentumOptimizer: Optimizer {
    /// The momentum term a schedule sets between steps: SGD's momentum, Adam's and Adamax's beta1.
    var momentum: Float { get set }
}

extension SGD: MomentumOptimizer {}

extension Adam: MomentumOptimizer {
    /// beta1, the first moment's decay.
    public var momentum: Float {
        get { beta1 }
        set { beta1 = newValue }
    }
}

extension Adamax: MomentumOptimizer {
    /// beta1, the first moment's decay.
    public var momentum: Float {
        get { beta1 }
        set { beta1 = newValue }
    }
}
