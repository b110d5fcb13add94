import Statistics
import Torch

/// fastai's `ActivationStats`: per hooked module and recorded training batch, the mean, unbiased
/// std and near-zero share (values <= 0.05) of its output, plus |x|'s mean, min, max and an
/// optional 40-bin histogram over [0, 10].
///
/// Statistics come from one fused pass over each activation (`Tensor.activationSummary`),
/// not three reductions and three round trips per layer. Each hook computes what its
/// `StatRequest` asks for (by default everything the initialiser names). Records go to
/// `records` (unless `keepInMemory` is false) and to every sink, once per batch.
public final class ActivationStats: HookCallback<ActivationSummary> {
    /// What a hook computes unless `attach(path:module:kind:every:request:)` says otherwise.
    public let defaultRequest: StatRequest
    public let nearZeroThreshold: Double
    public let keepInMemory: Bool
    public private(set) var records: [ActivationRecord] = []
    public var sinks: [ActivationStatsSink] = []
    /// Requests that differ from `defaultRequest`, by entry id.
    private var requests: [Int: StatRequest] = [:]
    /// The entries that also report channel activity (see `trackActiveChannels(where:)`).
    private var tracksActivity: ((Entry) -> Bool)?
    /// When false, entries asked to report channel activity skip it (a benchmark's A/B).
    public var reportsActiveChannels = true

    public init(modules: [Module]? = nil, every: Int = 1, histogram: Bool = false, nearZeroThreshold: Double = 0.05,
                keepInMemory: Bool = true, removeAtEnd: Bool = true, includeParamless: Bool = false) {
        defaultRequest = StatRequest(scalars: .all, histogram: histogram ? .fastai : nil)
        self.nearZeroThreshold = nearZeroThreshold
        self.keepInMemory = keepInMemory
        super.init(modules: modules, every: every, removeAtEnd: removeAtEnd, includeParamless: includeParamless)
    }

    /// Hooks `module` from the next batch on, computing what `request` asks for.
    @discardableResult
    public func attach(path: String, module: Module, kind: HookKind = .forward, every: Int? = nil,
                       request: StatRequest) -> Entry {
        let entry = attach(path: path, module: module, kind: kind, every: every)
        var request = request
        if tracksActivity?(entry) == true { request.activeChannels = true }
        requests[entry.id] = request
        return entry
    }

    /// Makes every entry for which `eligible` is true, hooked now or later, report which channels
    /// fired (`StatRequest.activeChannels`); the others compute exactly what they did.
    public func trackActiveChannels(where eligible: @escaping (Entry) -> Bool) {
        tracksActivity = eligible
        for entry in entries where eligible(entry) {
            var request = request(for: entry.id)
            request.activeChannels = true
            requests[entry.id] = request
        }
    }

    /// What the entry with `id` computes.
    public func request(for id: Int) -> StatRequest { requests[id] ?? defaultRequest }

    override public func detach(id: Int) -> Entry? {
        requests[id] = nil
        return super.detach(id: id)
    }

    override public func removeAll() {
        requests = [:]
        super.removeAll()
    }

    override public func hook(_ entry: Entry, _ input: Tensor?, _ output: Tensor) throws -> ActivationSummary {
        try summary(of: output, request: request(for: entry.id))
    }

    /// What a hook with `request` (by default `defaultRequest`) records of `output`.
    public func summary(of output: Tensor, request: StatRequest? = nil) throws -> ActivationSummary {
        let request = request ?? defaultRequest
        return try output.activationSummary(request.scalars, nearZeroThreshold: nearZeroThreshold, histogram: request.histogram,
                                            activeChannels: request.activeChannels && reportsActiveChannels)
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
        for statistic in [Statistic.mean, .std] {
            for rows in perPath { values += rows.prefix(batches).map { Float($0.summary[statistic]) } }
        }
        return try Tensor(values, shape: [2, paths.count, batches])
    }
}
