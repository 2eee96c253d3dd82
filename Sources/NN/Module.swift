import Tensor

/// A network building block. Parameters and sub-modules are found by reflection over stored
/// properties and named with dotted paths (`features.0.weight`), the keys used by checkpoints and
/// optimizers alike (the mlx-swift / PyTorch `state_dict` convention).
///
/// Stored properties that hold a `Tensor`, a `Module`, or an array of modules are walked; a tensor
/// that does not require grad (e.g. batch-norm running statistics) is a buffer: saved, not optimised.
open class Module {
    /// Training mode (batch statistics, dropout on) or evaluation mode.
    public private(set) var isTraining = true

    /// Creates a module in training mode.
    public init() {}

    /// Applies the module. Subclasses override.
    open func callAsFunction(_ x: Tensor) -> Tensor {
        preconditionFailure("\(type(of: self)) does not implement callAsFunction")
    }

    /// Every tensor (parameters and buffers) with its dotted name, in declaration order.
    public func namedTensors() -> [(name: String, tensor: Tensor)] {
        var out: [(String, Tensor)] = []
        visit(prefix: "") { name, value in
            if let t = value as? Tensor { out.append((name, t)) }
        }
        return out
    }

    /// Trainable tensors (those with `requiresGrad`) with their dotted names.
    public func parameters() -> [(name: String, tensor: Tensor)] {
        namedTensors().filter { $0.tensor.requiresGrad }
    }

    /// Number of trainable scalars.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.tensor.count } }

    /// This module and all sub-modules, depth first.
    public func modules() -> [Module] {
        var out: [Module] = [self]
        visit(prefix: "") { _, value in
            if let m = value as? Module { out.append(contentsOf: m.modules()) }
        }
        return out
    }

    /// Switches this module and all sub-modules to training (`true`) or evaluation mode.
    public func setTraining(_ training: Bool) {
        for m in modules() {
            m.isTraining = training
            m.invalidateDerivedState()
        }
    }

    /// Sets this module's own mode, not its sub-modules' (e.g. to keep a frozen backbone's batch norm in inference mode).
    public func setModeOnly(training: Bool) {
        isTraining = training
        invalidateDerivedState()
    }

    /// Drops whatever a module derived from its weights (e.g. batch norm folded into convolutions for
    /// inference). `setTraining`, `setModeOnly` and `weightsDidChange` call it; subclasses that cache override it.
    /// An optimizer step does not: code that updates weights while the whole model stays in evaluation mode
    /// must call `weightsDidChange()` before the next inference (no command of Discern does).
    open func invalidateDerivedState() {}

    /// Tells this module and its sub-modules that weights changed outside an optimizer step (a checkpoint
    /// was loaded, a tensor assigned by hand), so derived state is rebuilt on next use.
    public func weightsDidChange() {
        for m in modules() { m.invalidateDerivedState() }
    }

    /// Calls `body(dottedName, value)` for each direct tensor or module child (arrays expanded as `name.i`).
    private func visit(prefix: String, _ body: (String, Any) -> Void) {
        var mirror: Mirror? = Mirror(reflecting: self)
        var children: [(String, Any)] = []
        while let m = mirror {
            children.insert(contentsOf: m.children.compactMap { c in c.label.map { ($0, c.value) } }, at: 0)
            mirror = m.superclassMirror
        }
        for (label, value) in children {
            let name = prefix.isEmpty ? label : "\(prefix).\(label)"
            if let t = value as? Tensor {
                body(name, t)
            } else if let m = value as? Module {
                for (sub, t) in m.nestedTensors() { body("\(name).\(sub)", t) }
                body(name, m)
            } else if let ms = value as? [Module] {
                for (i, m) in ms.enumerated() {
                    for (sub, t) in m.nestedTensors() { body("\(name).\(i).\(sub)", t) }
                    body("\(name).\(i)", m)
                }
            }
        }
    }

    /// All tensors below this module, with names relative to it.
    private func nestedTensors() -> [(String, Any)] {
        var out: [(String, Any)] = []
        visit(prefix: "") { name, value in if value is Tensor { out.append((name, value)) } }
        return out
    }
}
