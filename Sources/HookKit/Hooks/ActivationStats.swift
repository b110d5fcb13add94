import Torch

/// fastai's `ActivationStats`: per hooked module and recorded training batch, the mean, unbiased
/// std and near-zero share (values <= 0.05) of its output, plus min, max and an optional
/// 40-bin histogram over [0, 10].
///
/// Statistics come from one fused pass over each activation (`Tensor.activationSummary`),
/// not three reductions and three round trips per layer. Records go to `records` (unless
/// `keepInMemory` is false) and to every sink, once per batch.
public final class ActivationStats: HookCallback<ActivationSummary> {
    public let histogram: HistogramBins?
    public let nearZeroThreshold: Double
    public let keepInMemory: Bool
    public private(set) var records: [ActivationRecord] = []
    public var sinks: [ActivationStatsSink] = []

    public init(modules: [Module]? = nil, every: Int = 1, histogram: Bool = false, nearZeroThreshold: Double = 0.05,
                keepInMemory: Bool = true, removeAtEnd: Bool = true, includeParamless: Bool = false) {
        self.histogram = histogram ? .fastai : nil
        self.nearZeroThreshold = nearZeroThreshold
        self.keepInMemory = keepInMemory
        super.init(modules: modules, every: every, removeAtEnd: removeAtEnd, includeParamless: includeParamless)
    }

    override public func hook(_ module: Module, _ input: Tensor?, _ output: Tensor) throws -> ActivationSummary {
        try output.activationSummary(nearZeroThreshold: nearZeroThreshold, histogram: histogram)
    }

    override public func beginFit(_ learner: Learner) throws {
        records = []
        try super.beginFit(learner)
    }

    override public func record(batchResults: [(entry: Entry, value: ActivationSummary)], learner: Learner) throws {
        let batch = batchResults.map { entry, summary in
            ActivationRecord(hookID: entry.id, path: entry.path, kind: entry.kind, batch: learner.position.iteration,
                             epoch: learner.position.epoch, summary: summary)
        }
        if keepInMemory { records.append(contentsOf: batch) }
        for sink in sinks { sink.record(batch) }
    }

    /// The records of one module path (and kind), in batch order.
    public func records(for path: String, kind: HookKind = .forward) -> [ActivationRecord] {
        records.filter { $0.path == path && $0.kind == kind }
    }

    /// fastai v1's `stats`: a (2, modules, batches) tensor of means and stds, over the modules
    /// hooked at the start of the fit (in `paths` order) and the batches they all recorded.
    public func statsTensor(paths: [String]) throws -> Tensor {
        let perPath = paths.map { records(for: $0) }
        let batches = perPath.map(\.count).min() ?? 0
        var values: [Float] = []
        for pick in [{ (s: ActivationSummary) in s.mean }, { $0.std }] {
            for rows in perPath { values += rows.prefix(batches).map { Float(pick($0.summary)) } }
        }
        return try Tensor(values, shape: [2, paths.count, batches])
    }
}
