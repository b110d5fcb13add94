import HookKit
import StatsStore
import Torch

/// Records one `TrainingJob` into a `StatsWriter`: modules, hooks, activation statistics,
/// histograms, and batch and epoch metrics.
///
/// It runs on the training queue as a learner callback and a stats sink; the writer hands rows
/// to its own queue, so training never waits on disk.
public final class StatsRecorder: LearnerCallback, ActivationStatsSink {
    public let writer: StatsWriter
    public let runID: Int64
    private unowned let job: TrainingJob
    /// hooks-table ids of the open hooks (not detached yet), by ActivationStats entry id.
    private var hookIDs: [Int: Int64] = [:]
    /// When false, per-batch rows are not handed to the writer (benchmarks compare both states).
    public var isEnabled = true
    /// The data-parallel rank whose rows these are (0 for a single process).
    let rank: Int64
    /// A data-parallel rank's way to rank 0's file (`RunLifecycle` sets it).
    var exchange: RankRowsExchange?

    /// Joins `job`'s learner callbacks and stats sinks.
    public init(writer: StatsWriter, runID: Int64, job: TrainingJob) {
        self.writer = writer
        self.runID = runID
        self.job = job
        rank = Int64(job.rank)
        job.learner.callbacks.append(self)
        job.stats.sinks.append(self)
    }

    /// Writes the modules table from the job's model summary.
    public func recordModules() throws {
        let modules = job.summary.layers.map {
            ModuleRecord(path: $0.path, type: $0.type, outputShape: $0.outputShape, params: Int64($0.params), trainable: $0.trainable)
        }
        try writer.insertModules(modules, runID: runID)
    }

    /// One hooks row per entry attached from the spec, attached at `batch` (0, or the resume point).
    public func recordHooksAtStart(batch: Int = 0) throws {
        for entry in job.stats.entries where hookIDs[entry.id] == nil {
            _ = try hookAttached(entry, stats: job.requestedStats[entry.id] ?? [], atBatch: batch)
        }
    }

    /// Records a hook attached at `batch`; returns its id in the hooks table.
    public func hookAttached(_ entry: HookCallback<ActivationSummary>.Entry, stats: [HookSpec.Stat], atBatch batch: Int) throws -> Int64 {
        let record = HookRecord(runID: runID, path: entry.path, kind: entry.kind, stats: stats.map(\.rawValue),
                                every: Int64(entry.every), attachedBatch: Int64(batch))
        let id = try writer.insertHook(record)
        hookIDs[entry.id] = id
        return id
    }

    /// Binds `entry` to hooks row `id`, left open by the run before a restart: no new row, so the
    /// id stays the one clients hold, and a later detach closes that row.
    public func hookReopened(_ entry: HookCallback<ActivationSummary>.Entry, id: Int64) {
        hookIDs[entry.id] = id
    }

    /// Records that the entry's hook recorded nothing from `batch` on.
    public func hookDetached(entryID: Int, atBatch batch: Int, byRunEnd: Bool = false) throws {
        guard let id = hookIDs.removeValue(forKey: entryID) else { return }
        try writer.markHookDetached(id, atBatch: Int64(batch), byRunEnd: byRunEnd)
    }

    /// Closes every hooks row still open at `batch`, in id order: the run ended (a resume of a
    /// failed or cancelled run opens them again).
    public func closeOpenHooks(atBatch batch: Int) throws {
        for (entryID, _) in hookIDs.sorted(by: { $0.value < $1.value }) {
            try hookDetached(entryID: entryID, atBatch: batch, byRunEnd: true)
        }
    }

    // MARK: ActivationStatsSink

    public func record(_ records: [ActivationRecord]) {
        guard isEnabled else { return }
        // A histogram-only hook leaves the layer's scalar row to the hooks that fill it.
        let stats = records.filter { !$0.summary.values.computed.isEmpty }.map { r in
            ActivationStatRow(runID: runID, path: r.path, kind: r.kind, batch: Int64(r.batch),
                              epoch: Int64(r.epoch), values: r.summary.values, rank: rank)
        }
        let histograms = records.filter { !$0.summary.histogram.isEmpty }.compactMap { r -> HistogramRow? in
            guard let bins = job.stats.request(for: r.hookID).histogram else { return nil }
            return HistogramRow(runID: runID, path: r.path, kind: r.kind, batch: Int64(r.batch),
                                epoch: Int64(r.epoch), lo: bins.low, hi: bins.high, counts: r.summary.histogram, rank: rank)
        }
        writer.record(stats, histograms: histograms)
        exchange?.send(stats, histograms: histograms)
    }

    // MARK: LearnerCallback

    public func endBatch(_ learner: Learner) throws {
        // Under the fail-the-run policy a dead stats file ends training: losing every further
        // statistic silently would defeat the point of the run.
        if writer.isFailed, writer.errorPolicy == .failRun, let error = writer.lastError { throw error }
        guard isEnabled else { return }
        let row = BatchMetricRow(runID: runID, batch: Int64(learner.position.iteration), epoch: Int64(learner.position.epoch),
                                 loss: learner.lastLoss, lr: learner.optimizer.learningRate, rank: rank)
        writer.record(row)
        exchange?.send(row)
    }

    public func endEpoch(_ learner: Learner, metrics: EpochMetrics) throws {
        writer.record(EpochMetricRow(runID: runID, epoch: Int64(metrics.epoch), trainLoss: metrics.trainLoss,
                                     validLoss: metrics.validLoss, accuracy: metrics.accuracy, seconds: metrics.seconds))
    }
}
