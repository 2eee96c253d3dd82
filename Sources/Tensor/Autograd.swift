/// Reverse-mode automatic differentiation: every recorded op keeps its inputs and a closure that maps
/// the gradient of its output to gradients of its inputs (micrograd's idea, on whole tensors).
final class GradFunction {
    let inputs: [Tensor]
    /// Gradient of the output -> gradient per input (`nil` where an input needs none).
    let backward: (Tensor) -> [Tensor?]

    init(inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
        self.inputs = inputs
        self.backward = backward
    }
}

/// Whether operations are recorded for autograd on the current task or thread.
public enum GradMode {
    @TaskLocal static var enabled = true

    /// True unless inside `withoutGrad`.
    public static var isEnabled: Bool { enabled }

    /// Runs `body` without recording a tape: inference allocates no graph and keeps no activations alive.
    public static func withoutGrad<T>(_ body: () throws -> T) rethrows -> T {
        try $enabled.withValue(false, operation: body)
    }
}

extension Tensor {
    /// Builds an op's result and records `backward` when grad mode is on and some input requires grad.
    public static func result(
        shape: [Int], storage: TensorStorage, inputs: [Tensor],
        backward: @escaping (Tensor) -> [Tensor?]
    ) -> Tensor {
        let out = Tensor(shape: shape, storage: storage)
        if GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) {
            out.requiresGrad = true
            out.gradFunction = GradFunction(inputs: inputs, backward: backward)
        }
        return out
    }

    /// Back-propagates from this tensor, adding into `grad` of every leaf that requires grad.
    ///
    /// - Parameter seed: the gradient of some scalar with respect to this tensor; defaults to ones
    ///   (so for a scalar loss, d loss / d loss = 1).
    public func backward(_ seed: Tensor? = nil) {
        precondition(requiresGrad, "backward() on a tensor that does not require grad")
        let order = topologicalOrder()
        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed ?? Tensor(repeating: 1, shape: shape)]
        for node in order.reversed() {
            guard let g = grads.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            guard let fn = node.gradFunction else {
                node.accumulateGrad(g)
                continue
            }
            let inputGrads = fn.backward(g)
            for (input, ig) in zip(fn.inputs, inputGrads) {
                guard let ig, input.requiresGrad else { continue }
                precondition(ig.shape == input.shape, "gradient shape \(ig.shape) for input \(input.shape)")
                let key = ObjectIdentifier(input)
                if let existing = grads[key] {
                    grads[key] = Kernels.addTensors(existing, ig)
                } else {
                    grads[key] = ig
                }
            }
        }
    }

    /// Leaf gradient accumulation (in place when a gradient already exists).
    func accumulateGrad(_ g: Tensor) {
        if let grad {
            Kernels.axpy(1, g.pointer, grad.pointer, count)
        } else {
            // Always a private copy: an op may hand the same gradient buffer to several inputs.
            grad = Tensor(shape: shape, storage: g.storage.copy())
        }
    }

    /// Nodes reachable from self that require grad, inputs before the ops using them.
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.gradFunction?.inputs ?? [] where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }

    /// Sets `grad` to nil.
    public func zeroGrad() { grad = nil }
}
