import Tensor

extension Module {
    /// Every batch-norm layer, in module order.
    public var batchNormLayers: [BatchNorm] { modules().compactMap { $0 as? BatchNorm } }

    /// Re-estimates every batch norm's running mean and variance from `batches` with dropout off, as the
    /// network runs at inference (Li et al. 2019, "Understanding the Disharmony between Dropout and Batch
    /// Normalization by Variance Shift"; Izmailov et al. 2018's BN update). The statistics a layer collects
    /// while training see its inputs with dropout on, whose variance is larger than at inference, and are an
    /// exponential average over weights that kept changing; here they are the plain average of each batch's
    /// mean and unbiased variance (PyTorch's `momentum=None`) under the final weights.
    ///
    /// The module is left in evaluation mode. Derived state (folded batch norm) is invalidated.
    /// - Parameter batches: input batches in the layout the module takes (`[N, H, W, C]` images).
    /// - Returns: the number of batches used (0 leaves the statistics as they were).
    @discardableResult
    public func recalibrateBatchNorm<S: Sequence>(_ batches: S) -> Int where S.Element == Tensor {
        let layers = batchNormLayers
        guard !layers.isEmpty else { return 0 }
        setTraining(false)
        for layer in layers { layer.setModeOnly(training: true) }
        let saved = layers.map(\.momentum)
        var used = 0
        GradMode.withoutGrad {
            for batch in batches {
                used += 1
                for layer in layers { layer.momentum = 1 / Float(used) }
                _ = self(batch)
            }
        }
        for (layer, m) in zip(layers, saved) { layer.momentum = m }
        setTraining(false)
        weightsDidChange()
        return used
    }
}
