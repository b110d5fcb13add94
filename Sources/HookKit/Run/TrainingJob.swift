import Datasets
import Foundation
import Torch

/// Everything one run spec needs to train: data, model, optimizer, learner and activation stats.
///
/// Built and used on one thread or serial queue (the model is not thread-safe); the daemon and
/// `hookd train` share it, so both record exactly the same statistics.
public final class TrainingJob {
    public let spec: RunSpec
    public let data: DataBunch
    public let model: Module
    public let optimizer: Optimizer
    public let learner: Learner
    public let stats: ActivationStats
    /// What loading `model.weights` did (nil without weights).
    public let weights: WeightsReport?
    /// The model summary on one input of the data's shape, taken before training.
    public let summary: ModelSummary
    /// The statistics each hook entry (by `Entry.id`) was asked to record, as its spec named them.
    public private(set) var requestedStats: [Int: [HookSpec.Stat]] = [:]

    /// Loads the data and builds the model, optimizer and hooks of `spec`.
    ///
    /// - Parameters:
    ///   - defaultThreads: intra-op threads when the spec does not set them.
    ///   - keepStatsInMemory: keep every record in `stats.records` too; a long run that records
    ///     into a sink (SQLite) passes false, or memory grows with every batch.
    ///   - maxHooks: the most hooks the spec may resolve to (`training.max_hooks`).
    ///   - loadingWeights: false when a checkpoint will restore the model anyway (a resumed
    ///     run), so `model.weights` is not read again and may have moved since.
    ///   - group: the data-parallel group this run is one rank of: the job then reads only its
    ///     shard of every epoch and trains through `DataParallel` (DDP's semantics).
    /// - Throws: `SpecError` for a spec that does not fit its data or model (naming the JSON
    ///   path), e.g. one hooking a module twice for one statistic (see `HookClaims`);
    ///   `DatasetError` for unreadable data, `TorchError` from libtorch.
    public init(spec: RunSpec, defaultThreads: Int = ProcessInfo.processInfo.activeProcessorCount,
                keepStatsInMemory: Bool = true, maxHooks: Int = HookClaims.defaultLimit, loadingWeights: Bool = true,
                group: ProcessGroup? = nil) throws {
        self.spec = spec
        Torch.threads = spec.train.threads ?? defaultThreads
        Torch.manualSeed(spec.train.seed)
        data = try Self.loadData(spec, trainingThreads: Torch.threads,
                                 shard: try group.map { try DataShard(rank: $0.rank, count: $0.worldSize) } ?? .whole)
        model = try ModelFactory.make(spec.model, inputShape: data.inputShape, classes: data.classes.count)
        weights = loadingWeights ? try spec.model.loadWeights(into: model) : nil
        optimizer = try Self.makeOptimizer(spec.train, parameters: model.parameters())
        learner = Learner(model: model, data: data, optimizer: optimizer)
        // Explicit empty module list: only the spec's hooks record, none by default.
        stats = ActivationStats(modules: [], keepInMemory: keepStatsInMemory, removeAtEnd: false)
        summary = try modelSummary(model, inputShape: data.inputShape, name: spec.model.arch.rawValue)
        var claims = HookClaims(limit: maxHooks)
        for (index, hook) in spec.hooks.enumerated() {
            for (position, (path, module)) in try Self.resolve(hook.modules, in: model, specIndex: index).enumerated() {
                let source = if case .paths = hook.modules { "$.hooks[\(index)].modules[\(position)]" } else { "$.hooks[\(index)].modules" }
                try claims.claim(path, hook.kind, stats: hook.stats, at: source)
                let entry = stats.attach(path: path, module: module, kind: hook.kind, every: hook.every, request: hook.stats.request)
                requestedStats[entry.id] = hook.stats
            }
        }
        learner.callbacks.append(stats)
        if let group {
            learner.callbacks.insert(DataParallel(group: group), at: 0)
            learner.rankSync = RankSync(group: group)
        }
    }

    /// The data-parallel rank this job trains (0 for a run that trains alone).
    public var rank: Int { learner.rankSync?.group.rank ?? 0 }

    /// Hooks `path` from the next batch on (call between batches, on the training queue).
    ///
    /// - Throws: `SpecError` when the model has no module at `path`.
    @discardableResult
    public func attach(path: String, kind: HookKind, stats wanted: [HookSpec.Stat], every: Int) throws -> HookCallback<ActivationSummary>.Entry {
        guard !path.isEmpty, let module = model.module(at: path) else {
            throw SpecError(path: "$.layer", message: "unknown module path \"\(path)\"")
        }
        let entry = stats.attach(path: path, module: module, kind: kind, every: every, request: wanted.request)
        requestedStats[entry.id] = wanted
        return entry
    }

    /// Trains from `start` to the spec's last epoch, along its schedule.
    @discardableResult
    public func train(from start: TrainingPosition = .init()) throws -> [EpochMetrics] {
        switch spec.train.schedule {
        case .oneCycle: try learner.fitOneCycle(epochs: spec.train.epochs, maxLR: spec.train.lr, from: start)
        case .constant: try learner.fit(epochs: spec.train.epochs, from: start)
        }
    }

    /// Total training batches of the whole run.
    public var totalBatches: Int { spec.train.epochs * data.train.batchCount }

    /// The modules a hook spec names, with their paths; unknown paths are spec errors.
    public static func resolve(_ modules: HookSpec.Modules, in model: Module, specIndex: Int) throws -> [(String, Module)] {
        let leaves = model.leafModules()
        switch modules {
        case .params: return leaves.filter { hasParams($0.module) }
        case .all: return leaves
        case .paths(let paths):
            return try paths.enumerated().map { index, path in
                guard let module = model.module(at: path), !path.isEmpty else {
                    throw SpecError(path: "$.hooks[\(specIndex)].modules[\(index)]", message: "unknown module path \"\(path)\"")
                }
                return (path, module)
            }
        }
    }

    /// The spec's data as loaders: image folders stream (decoded per batch on `data.workers`
    /// threads, by default the cores the `trainingThreads` leave free), IDX and synthetic
    /// data sit in memory; augmentation applies to training batches only, and a data-parallel
    /// rank reads its `shard` of each training epoch.
    static func loadData(_ spec: RunSpec, trainingThreads: Int, shard: DataShard = .whole) throws -> DataBunch {
        let d = spec.data
        let train: any ImageSource, valid: any ImageSource
        switch d.format {
        case .idx:
            let splits = try IDXDataset.load(directory: d.path ?? "")
            (train, valid) = (splits.train, splits.valid)
        case .imageFolder:
            (train, valid) = try ImageFolder.open(root: d.path ?? "", channels: d.channels, size: d.size.map { ($0[0], $0[1]) },
                                                  cache: d.cache == .memory)
        case .synthetic:
            let splits = try SyntheticData.splits(trainCount: d.trainCount, validCount: d.validCount, channels: d.shape[0],
                                                  height: d.shape[1], width: d.shape[2], classes: d.classes, seed: spec.train.seed)
            (train, valid) = (splits.train, splits.valid)
        }
        let workers = d.workers ?? max(1, ProcessInfo.processInfo.activeProcessorCount - trainingThreads)
        var normalization: Normalization?
        if case .fixed(let given) = d.normalize {
            guard given.channels == train.channels else {
                throw SpecError(path: "$.data.normalize", message: "has \(given.channels) channel(s) but the images have \(train.channels)")
            }
            normalization = given
        }
        let trainLoader = try DataLoader(train, normalization: normalization, options: .init(
            batchSize: spec.train.batchSize, shuffle: true, seed: spec.train.seed, workers: workers, augmentation: d.augment,
            shard: shard))
        // Validation needs no gradients, so bigger batches are cheaper, up to 256 images or 2²⁰
        // values (4 MiB of floats, one of three in flight): a 128² RGB folder keeps its batch size.
        let validBatch = max(spec.train.batchSize, min(256, (1 << 20) / valid.imageSize))
        let validLoader = try DataLoader(valid, normalization: trainLoader.normalization, options: .init(
            batchSize: validBatch, shuffle: false, seed: 0, workers: workers))
        return DataBunch(train: trainLoader, valid: validLoader, classes: train.classes)
    }

    static func makeOptimizer(_ t: TrainSpec, parameters: [Tensor]) throws -> Optimizer {
        switch t.optimizer {
        case .adam: try Adam(parameters, learningRate: t.lr, beta1: t.momentum, weightDecay: t.weightDecay)
        case .adamw: try Adam(parameters, learningRate: t.lr, beta1: t.momentum, weightDecay: t.weightDecay, decoupledWeightDecay: true)
        case .sgd: try SGD(parameters, learningRate: t.lr, momentum: t.momentum, weightDecay: t.weightDecay)
        }
    }
}
