import CDNNL
import Foundation

/// Convolution on oneDNN 2.6 (Debian's `libdnnl-dev`), activations kept NHWC.
///
/// oneDNN is asked for NHWC source and destination and for weights "in any layout": it then picks its
/// JIT kernels (`brgconv` forward, `jit:avx512_core` / `jit:avx2` backward) and a blocked weight layout.
/// Our `[KH, KW, Cin, Cout]` filter (oneDNN's `hwio`) is reordered into that layout on each call (the
/// filter is small next to the activations), and weight gradients are reordered back. With plain `hwio`
/// weights oneDNN 2.6 falls back to its GEMM path, 2-7x slower (BENCHMARKS.md, 2026-12-06).
///
/// Primitives are built once per geometry and cached (building one JIT-compiles it: about a millisecond).
/// Each call brings its own scratchpad and stream, so calls from several threads at once are safe.
/// A batch is split across the engine's workers with oneDNN single-threaded in each (see `overBatch`).
public final class OneDNNConvolution: ConvolutionBackend, @unchecked Sendable {
    /// What a cached primitive computes.
    enum Operation: Hashable {
        case forward(bias: Bool, residual: Bool, lower: Float, upper: Float)
        case backwardData
        case backwardFilter(bias: Bool)
    }

    struct Key: Hashable {
        var geometry: ConvGeometry
        var operation: Operation
        /// One `[KH, KW]` filter per channel (oneDNN: groups = channels, weights `hwigo`).
        var depthwise = false
    }

    /// One built primitive and what a call needs around it.
    final class Plan {
        let primitive: dnnl_primitive_t
        /// Converts between our `hwio` filter and the primitive's layout (to it for forward and backward data,
        /// from it for backward filter), or nil when the primitive takes `hwio` as it is.
        let weightReorder: dnnl_primitive_t?
        var primitiveWeights: dnnl_memory_desc_t
        var userWeights: dnnl_memory_desc_t
        var source: dnnl_memory_desc_t, destination: dnnl_memory_desc_t, bias: dnnl_memory_desc_t
        var scratchpad: dnnl_memory_desc_t
        let scratchpadBytes: Int, weightBytes: Int

        init(primitive: dnnl_primitive_t, weightReorder: dnnl_primitive_t?, primitiveWeights: dnnl_memory_desc_t,
             userWeights: dnnl_memory_desc_t, source: dnnl_memory_desc_t, destination: dnnl_memory_desc_t,
             bias: dnnl_memory_desc_t, scratchpad: dnnl_memory_desc_t) {
            self.primitive = primitive; self.weightReorder = weightReorder
            self.primitiveWeights = primitiveWeights; self.userWeights = userWeights
            self.source = source; self.destination = destination; self.bias = bias; self.scratchpad = scratchpad
            scratchpadBytes = dnnl_memory_desc_get_size(&self.scratchpad)
            weightBytes = dnnl_memory_desc_get_size(&self.primitiveWeights)
        }

        deinit {
            dnnl_primitive_destroy(primitive)
            if let weightReorder { dnnl_primitive_destroy(weightReorder) }
        }
    }

    /// The error oneDNN returned while building a primitive (a geometry it does not support).
    public struct Failure: Error, CustomStringConvertible {
        /// The oneDNN function that failed (e.g. `dnnl_primitive_desc_create`) and the status it returned.
        public let call: String, status: dnnl_status_t
        /// "oneDNN <call> failed with status <raw status>".
        public var description: String { "oneDNN \(call) failed with status \(status.rawValue)" }
    }

    private let engine: dnnl_engine_t
    private let lock = NSLock()
    private var plans: [Key: Plan] = [:]
    /// Plans kept at most; the cache is emptied when a new one would pass it (inference on many sizes).
    private let capacity = 512

    /// Nil when oneDNN cannot start a CPU engine.
    public init?() {
        var engine: dnnl_engine_t?
        guard dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success, let engine else { return nil }
        self.engine = engine
        Self.setTeamSize(Parallel.threadCount)
    }

    /// Sets the OpenMP team size of the calling thread's oneDNN calls. libgomp comes in with libdnnl (Debian
    /// ships no unversioned libgomp.so to link against), so its `omp_set_num_threads` is looked up at run time.
    public static func setTeamSize(_ threads: Int) {
        typealias SetNumThreads = @convention(c) (Int32) -> Void
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads") else { return }
        unsafeBitCast(symbol, to: SetNumThreads.self)(Int32(threads))
    }

    deinit {
        plans.removeAll()
        dnnl_engine_destroy(engine)
    }

    /// The three passes of a convolution.
    public enum Pass: String, CaseIterable, Sendable { case forward, backwardData, backwardFilter }

    /// The oneDNN implementation chosen for one pass on this geometry (e.g. `brgconv:avx512_core`).
    public func implementation(_ g: ConvGeometry, pass: Pass) throws -> String {
        let op: Operation = switch pass {
        case .backwardData: .backwardData
        case .backwardFilter: .backwardFilter(bias: false)
        case .forward: .forward(bias: false, residual: false, lower: -.infinity, upper: .infinity)
        }
        let key = Key(geometry: g, operation: op)
        var d = try Descriptors(g), pd: dnnl_primitive_desc_t?
        try check("dnnl_primitive_desc_create", describe(key, &d, into: &pd))
        defer { dnnl_primitive_desc_destroy(pd) }
        var info: UnsafePointer<CChar>?
        dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &info)
        return info.map { String(cString: $0) } ?? "?"
    }

    // MARK: ConvolutionBackend

    /// y = conv(x, w) + bias with no epilogue: `x` is `[N, inH, inW, inC]`, `w` is `[KH, KW, inC, outC]` (reordered to
    /// oneDNN's layout per call), `bias` is `[outC]`, and `y` (`[N, outH, outW, outC]`) is overwritten.
    public func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>) {
        forward(g, x: x, w: w, bias: bias, y: y, epilogue: .none)
    }

    /// The residual is copied into `y` and added by oneDNN's `sum` post-op; the clamp is its `clip` post-op,
    /// both applied while each output block is in cache.
    public func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>, epilogue: ConvEpilogue) {
        forward(g, x: x, w: w, bias: bias, y: y, epilogue: epilogue, depthwise: false)
    }

    /// Depthwise forward on oneDNN (groups = channels): `y` (`[N, outH, outW, C]`) = clamp(conv(x, w) + bias), with
    /// `x` `[N, inH, inW, C]`, `w` `[KH, KW, C]` and `bias` `[C]`; the clamp is oneDNN's `clip` post-op.
    public func depthwiseForward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                 y: UnsafeMutablePointer<Float>, clamp: ClosedRange<Float>?) {
        forward(g, x: x, w: w, bias: bias, y: y, epilogue: ConvEpilogue(residual: nil, clamp: clamp), depthwise: true)
    }

    /// Depthwise input gradient on oneDNN: overwrites `dx` (`[N, inH, inW, C]`) from `dy` (`[N, outH, outW, C]`) and
    /// `w` (`[KH, KW, C]`).
    public func depthwiseBackwardData(_ g: ConvGeometry, dy: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        backwardData(g, dy: dy, w: w, dx: dx, depthwise: true)
    }

    /// Depthwise filter gradient on oneDNN: overwrites `dw` (`[KH, KW, C]`) and, when given, `dbias` (`[C]`); per-worker
    /// partial gradients are summed at the end, as in `backwardFilter`.
    public func depthwiseBackwardFilter(_ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
                                        dbias: UnsafeMutablePointer<Float>?) {
        backwardFilter(g, x: x, dy: dy, dw: dw, dbias: dbias, depthwise: true)
    }

    private func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                         y: UnsafeMutablePointer<Float>, epilogue: ConvEpilogue, depthwise: Bool) {
        let inImage = g.inH * g.inW * g.inC, outImage = g.outPixels * g.outC
        overBatch(g) { _, images, sub in
            let plan = self.plan(Key(geometry: sub, operation: .forward(bias: bias != nil, residual: epilogue.residual != nil,
                                                                        lower: epilogue.lower, upper: epilogue.upper),
                                    depthwise: depthwise))
            let yPart = y + images.lowerBound * outImage
            if let residual = epilogue.residual {
                yPart.update(from: residual + images.lowerBound * outImage, count: images.count * outImage)
            }
            run(plan, weights: UnsafeMutableRawPointer(mutating: w), weightsIn: true) { add, weights in
                add(DNNL_ARG_SRC, plan.source, UnsafeMutableRawPointer(mutating: x + images.lowerBound * inImage))
                add(DNNL_ARG_WEIGHTS, plan.primitiveWeights, weights)
                if let bias { add(DNNL_ARG_BIAS, plan.bias, UnsafeMutableRawPointer(mutating: bias)) }
                add(DNNL_ARG_DST, plan.destination, UnsafeMutableRawPointer(yPart))
            }
        }
    }

    /// Overwrites `dx` (`[N, inH, inW, inC]`) with the input gradient for `dy` (`[N, outH, outW, outC]`) and `w`
    /// (`[KH, KW, inC, outC]`), running oneDNN's backward-data primitive on each worker's slice of the batch.
    public func backwardData(_ g: ConvGeometry, dy: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        backwardData(g, dy: dy, w: w, dx: dx, depthwise: false)
    }

    private func backwardData(_ g: ConvGeometry, dy: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, depthwise: Bool) {
        let inImage = g.inH * g.inW * g.inC, outImage = g.outPixels * g.outC
        overBatch(g) { _, images, sub in
            let plan = self.plan(Key(geometry: sub, operation: .backwardData, depthwise: depthwise))
            run(plan, weights: UnsafeMutableRawPointer(mutating: w), weightsIn: true) { add, weights in
                add(DNNL_ARG_DIFF_DST, plan.destination, UnsafeMutableRawPointer(mutating: dy + images.lowerBound * outImage))
                add(DNNL_ARG_WEIGHTS, plan.primitiveWeights, weights)
                add(DNNL_ARG_DIFF_SRC, plan.source, UnsafeMutableRawPointer(dx + images.lowerBound * inImage))
            }
        }
    }

    /// Split over the batch, each worker's filter (and bias) gradient goes to its own buffer; they are summed at the end.
    public func backwardFilter(_ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
                               dbias: UnsafeMutablePointer<Float>?) {
        backwardFilter(g, x: x, dy: dy, dw: dw, dbias: dbias, depthwise: false)
    }

    private func backwardFilter(_ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
                                dbias: UnsafeMutablePointer<Float>?, depthwise: Bool) {
        let inImage = g.inH * g.inW * g.inC, outImage = g.outPixels * g.outC
        let filter = depthwise ? g.kernelH * g.kernelW * g.inC : g.patchSize * g.outC, slot = filter + g.outC
        let parts = Self.parts(g)
        let partial = parts > 1 ? UnsafeMutablePointer<Float>.allocate(capacity: parts * slot) : nil
        partial?.initialize(repeating: 0, count: parts * slot)  // a part left without images adds zeros
        defer { partial?.deallocate() }
        overBatch(g) { part, images, sub in
            let myDW = partial.map { $0 + part * slot } ?? dw
            let myDB = partial.map { $0 + part * slot + filter } ?? dbias
            let plan = self.plan(Key(geometry: sub, operation: .backwardFilter(bias: dbias != nil), depthwise: depthwise))
            run(plan, weights: UnsafeMutableRawPointer(myDW), weightsIn: false) { add, weights in
                add(DNNL_ARG_SRC, plan.source, UnsafeMutableRawPointer(mutating: x + images.lowerBound * inImage))
                add(DNNL_ARG_DIFF_DST, plan.destination, UnsafeMutableRawPointer(mutating: dy + images.lowerBound * outImage))
                add(DNNL_ARG_DIFF_WEIGHTS, plan.primitiveWeights, weights)
                if let myDB { add(DNNL_ARG_DIFF_BIAS, plan.bias, UnsafeMutableRawPointer(myDB)) }
            }
        }
        guard let partial else { return }
        dw.update(from: partial, count: filter)
        for p in 1..<parts { Kernels.axpy(1, partial + p * slot, dw, filter) }
        if let dbias {
            dbias.update(from: partial + filter, count: g.outC)
            for p in 1..<parts { Kernels.axpy(1, partial + p * slot + filter, dbias, g.outC) }
        }
    }

    /// How many batch parts `overBatch` runs for `g`: one per worker when there are at least as many images.
    private static func parts(_ g: ConvGeometry) -> Int {
        let workers = Parallel.threadCount
        return workers > 1 && g.batch >= workers ? workers : 1
    }

    /// Runs `body(part, images, geometry of those images)` over the batch: split into `parts(g)` parts across the engine's workers
    /// (oneDNN single-threaded in each, so its OpenMP threads never spin beside ours) when there is an
    /// image per worker, else once with oneDNN's own team of `Parallel.threadCount` threads (batch 1).
    private func overBatch(_ g: ConvGeometry, _ body: (Int, Range<Int>, ConvGeometry) -> Void) {
        let parts = Self.parts(g)
        guard parts > 1 else {
            Self.setTeamSize(Parallel.threadCount)
            body(0, 0..<g.batch, g)
            return
        }
        let chunk = (g.batch + parts - 1) / parts
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let lo = p * chunk, hi = min(g.batch, lo + chunk)
            guard lo < hi else { return }
            Self.setTeamSize(1)
            var sub = g
            sub.batch = hi - lo
            body(p, lo..<hi, sub)
        }
    }

    // MARK: Execution

    /// Runs `plan` with the arguments `arguments` lists. `weights` is our `hwio` filter: reordered into a
    /// temporary in the primitive's layout before the call (`weightsIn`), or out of it after (weight gradients).
    private func run(_ plan: Plan, weights: UnsafeMutableRawPointer, weightsIn: Bool,
                     _ arguments: (_ add: (Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer) -> Void, _ weights: UnsafeMutableRawPointer) -> Void) {
        var stream: dnnl_stream_t?
        guard dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success else { fatalError("oneDNN: no stream") }
        defer { dnnl_stream_destroy(stream) }
        var memories: [dnnl_memory_t?] = []
        var args: [dnnl_exec_arg_t] = []
        defer { for m in memories { dnnl_memory_destroy(m) } }
        func memory(_ desc: dnnl_memory_desc_t, _ pointer: UnsafeMutableRawPointer) -> dnnl_memory_t? {
            var desc = desc, m: dnnl_memory_t?
            guard dnnl_memory_create(&m, &desc, engine, pointer) == dnnl_success else { fatalError("oneDNN: memory_create failed") }
            memories.append(m)
            return m
        }
        let staged = plan.weightReorder.map { _ in UnsafeMutableRawPointer.allocate(byteCount: plan.weightBytes, alignment: 64) }
        defer { staged?.deallocate() }
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(plan.scratchpadBytes, 64), alignment: 64)
        defer { scratch.deallocate() }

        func reorderWeights(from: dnnl_memory_t?, to: dnnl_memory_t?) {
            guard let reorder = plan.weightReorder else { return }
            var reorderArgs = [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: from), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: to)]
            dnnl_primitive_execute(reorder, stream, 2, &reorderArgs)
        }
        let user = memory(plan.userWeights, weights)
        let inLayout = staged.map { memory(plan.primitiveWeights, $0) } ?? user
        if weightsIn { reorderWeights(from: user, to: inLayout) }
        arguments({ arg, desc, pointer in args.append(dnnl_exec_arg_t(arg: arg, memory: memory(desc, pointer))) }, staged ?? weights)
        args.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: memory(plan.scratchpad, scratch)))
        let status = dnnl_primitive_execute(plan.primitive, stream, Int32(args.count), &args)
        precondition(status == dnnl_success, "oneDNN: execute failed with status \(status.rawValue)")
        if !weightsIn { reorderWeights(from: inLayout, to: user) }
        dnnl_stream_wait(stream)
    }

    // MARK: Building primitives

    private func plan(_ key: Key) -> Plan {
        lock.lock()
        defer { lock.unlock() }
        if let plan = plans[key] { return plan }
        do {
            let plan = try build(key)
            if plans.count >= capacity { plans.removeAll() }
            plans[key] = plan
            return plan
        } catch {
            fatalError("\(error) for \(key)")
        }
    }

    private func check(_ call: String, _ status: dnnl_status_t) throws {
        guard status == dnnl_success else { throw Failure(call: call, status: status) }
    }

    /// Memory descriptors of one geometry: NHWC activations, filter in `hwio` (user) or any layout.
    private struct Descriptors {
        var source = dnnl_memory_desc_t(), destination = dnnl_memory_desc_t()
        var anyWeights = dnnl_memory_desc_t(), userWeights = dnnl_memory_desc_t(), bias = dnnl_memory_desc_t()
        var strides: [Int64], paddingLeft: [Int64], paddingRight: [Int64]

        init(_ g: ConvGeometry, depthwise: Bool = false) throws {
            func check(_ s: dnnl_status_t) throws { if s != dnnl_success { throw Failure(call: "dnnl_memory_desc_init_by_tag", status: s) } }
            let n = Int64(g.batch), ci = Int64(g.inC), co = Int64(g.outC)
            try check(dnnl_memory_desc_init_by_tag(&source, 4, [n, ci, Int64(g.inH), Int64(g.inW)], dnnl_f32, dnnl_nhwc))
            try check(dnnl_memory_desc_init_by_tag(&destination, 4, [n, co, Int64(g.outH), Int64(g.outW)], dnnl_f32, dnnl_nhwc))
            if depthwise {
                // Grouped weights (groups, out per group, in per group, KH, KW); `hwigo` is our [KH, KW, C].
                let wDims = [ci, 1, 1, Int64(g.kernelH), Int64(g.kernelW)]
                try check(dnnl_memory_desc_init_by_tag(&anyWeights, 5, wDims, dnnl_f32, dnnl_format_tag_any))
                try check(dnnl_memory_desc_init_by_tag(&userWeights, 5, wDims, dnnl_f32, dnnl_hwigo))
            } else {
                let wDims = [co, ci, Int64(g.kernelH), Int64(g.kernelW)]
                try check(dnnl_memory_desc_init_by_tag(&anyWeights, 4, wDims, dnnl_f32, dnnl_format_tag_any))
                try check(dnnl_memory_desc_init_by_tag(&userWeights, 4, wDims, dnnl_f32, dnnl_hwio))
            }
            try check(dnnl_memory_desc_init_by_tag(&bias, 1, [co], dnnl_f32, dnnl_x))
            strides = [Int64(g.stride), Int64(g.stride)]
            paddingLeft = [Int64(g.padTop), Int64(g.padLeft)]
            // The bottom/right padding the output size implies (never negative: the formula floors).
            paddingRight = [Int64(max(0, (g.outH - 1) * g.stride + g.kernelH - g.inH - g.padTop)),
                            Int64(max(0, (g.outW - 1) * g.stride + g.kernelW - g.inW - g.padLeft))]
        }
    }

    /// The primitive descriptor of `key` over the memory descriptors `d` of its geometry (the caller destroys it).
    private func describe(_ key: Key, _ d: inout Descriptors, into pd: inout dnnl_primitive_desc_t?) throws -> dnnl_status_t {
        var attr: dnnl_primitive_attr_t?
        try check("dnnl_primitive_attr_create", dnnl_primitive_attr_create(&attr))
        defer { dnnl_primitive_attr_destroy(attr) }
        try check("set_scratchpad_mode", dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user))

        var forward = dnnl_convolution_desc_t()
        let biasDesc = UnsafeMutablePointer<dnnl_memory_desc_t>.allocate(capacity: 1)
        biasDesc.initialize(to: d.bias)
        defer { biasDesc.deallocate() }
        func forwardDescriptor(bias: Bool) throws {
            try check("dnnl_convolution_forward_desc_init", dnnl_convolution_forward_desc_init(
                &forward, dnnl_forward_training, dnnl_convolution_direct, &d.source, &d.anyWeights, bias ? biasDesc : nil,
                &d.destination, d.strides, d.paddingLeft, d.paddingRight))
        }
        switch key.operation {
        case let .forward(bias, residual, lower, upper):
            try forwardDescriptor(bias: bias)
            if residual || lower > -.infinity || upper < .infinity {
                var postOps: dnnl_post_ops_t?
                try check("dnnl_post_ops_create", dnnl_post_ops_create(&postOps))
                defer { dnnl_post_ops_destroy(postOps) }
                if residual { try check("append_sum", dnnl_post_ops_append_sum(postOps, 1)) }
                if lower > -.infinity || upper < .infinity {
                    try check("append_eltwise", dnnl_post_ops_append_eltwise(
                        postOps, 1, dnnl_eltwise_clip, max(lower, -.greatestFiniteMagnitude), min(upper, .greatestFiniteMagnitude)))
                }
                try check("set_post_ops", dnnl_primitive_attr_set_post_ops(attr, postOps))
            }
            return dnnl_primitive_desc_create(&pd, &forward, attr, engine, nil)
        case .backwardData, .backwardFilter:
            // Backward primitives need the forward one as a hint.
            try forwardDescriptor(bias: false)
            var hint: dnnl_primitive_desc_t?
            try check("dnnl_primitive_desc_create(hint)", dnnl_primitive_desc_create(&hint, &forward, nil, engine, nil))
            defer { dnnl_primitive_desc_destroy(hint) }
            var backward = dnnl_convolution_desc_t()
            if case let .backwardFilter(bias) = key.operation {
                try check("dnnl_convolution_backward_weights_desc_init", dnnl_convolution_backward_weights_desc_init(
                    &backward, dnnl_convolution_direct, &d.source, &d.anyWeights, bias ? biasDesc : nil, &d.destination,
                    d.strides, d.paddingLeft, d.paddingRight))
            } else {
                try check("dnnl_convolution_backward_data_desc_init", dnnl_convolution_backward_data_desc_init(
                    &backward, dnnl_convolution_direct, &d.source, &d.anyWeights, &d.destination,
                    d.strides, d.paddingLeft, d.paddingRight))
            }
            return dnnl_primitive_desc_create(&pd, &backward, attr, engine, hint)
        }
    }

    private func build(_ key: Key) throws -> Plan {
        var d = try Descriptors(key.geometry, depthwise: key.depthwise), pd: dnnl_primitive_desc_t?
        try check("dnnl_primitive_desc_create", describe(key, &d, into: &pd))
        defer { dnnl_primitive_desc_destroy(pd) }
        // A filter gradient leaves the primitive in its layout and is reordered out; other passes take the filter in.
        let filterGradient = if case .backwardFilter = key.operation { true } else { false }
        var primitiveWeights = dnnl_primitive_desc_query_md(pd, filterGradient ? dnnl_query_diff_weights_md : dnnl_query_weights_md, 0)!.pointee
        var userWeights = d.userWeights
        var weightReorder: dnnl_primitive_t?
        if dnnl_memory_desc_equal(&primitiveWeights, &userWeights) == 0 {
            var reorderPD: dnnl_primitive_desc_t?
            try check("dnnl_reorder_primitive_desc_create", filterGradient
                ? dnnl_reorder_primitive_desc_create(&reorderPD, &primitiveWeights, engine, &userWeights, engine, nil)
                : dnnl_reorder_primitive_desc_create(&reorderPD, &userWeights, engine, &primitiveWeights, engine, nil))
            defer { dnnl_primitive_desc_destroy(reorderPD) }
            try check("dnnl_primitive_create(reorder)", dnnl_primitive_create(&weightReorder, reorderPD))
        }
        var primitive: dnnl_primitive_t?
        try check("dnnl_primitive_create", dnnl_primitive_create(&primitive, pd))
        let scratchpad = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0)!.pointee
        return Plan(primitive: primitive!, weightReorder: weightReorder, primitiveWeights: primitiveWeights,
                    userWeights: userWeights, source: d.source, destination: d.destination, bias: d.bias, scratchpad: scratchpad)
    }
}
