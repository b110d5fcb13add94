import Health
import HookKit
import StatsStore

/// Judges a run's health as it trains: feeds every recorded layer and each batch's loss to a
/// `HealthMonitor`, stores the alerts it raises, reports them, and stops the run at the batch
/// boundary when a rule's action is `stop`.
///
/// Runs on the training queue as a learner callback and stats sink, after `StatsRecorder`: the
/// statistics of the batch that raised an alert are recorded before a stop ends the run.
public final class HealthWatch: LearnerCallback, ActivationStatsSink {
    /// When false, no batch is judged and no hook computes channel activity: the rules cost
    /// nothing (the benchmarks' in-process A/B, `hookd train --health-ab`).
    public var isEnabled = true {
        didSet { stats?.reportsActiveChannels = isEnabled }
    }
    private let monitor: HealthMonitor
    /// Weak: the stats hold this watch as a sink.
    private weak var stats: ActivationStats?
    private let writer: StatsWriter
    private let runID: Int64
    private let report: (AlertEvent) -> Void
    /// The first alert whose action is `stop`, thrown at the end of its batch.
    private var stop: AlertStop?
    /// The data-parallel rank judged (0 for a single process).
    private let rank: Int64
    /// A data-parallel rank's way to rank 0's file.
    private let exchange: RankRowsExchange?

    /// Joins `job`'s learner callbacks and stats sinks; `report` sees each alert once, and the
    /// episodes of `earlier` (a resumed run's stored alerts) continue instead of firing again.
    init(policy: HealthPolicy, writer: StatsWriter, runID: Int64, job: TrainingJob, earlier: [AlertRow],
         exchange: RankRowsExchange? = nil, report: @escaping (AlertEvent) -> Void) {
        monitor = HealthMonitor(policy: policy)
        for row in earlier {
            guard let rule = AlertRule(name: row.rule), let kind = SignalKind(rawValue: row.kind) else { continue }
            monitor.reopen(rule, path: row.path, kind: kind)
        }
        self.writer = writer
        self.runID = runID
        self.report = report
        self.exchange = exchange
        rank = Int64(job.rank)
        stats = job.stats
        job.learner.callbacks.append(self)
        job.stats.sinks.append(self)
        if policy[.deadUnits].enabled {
            let judged = reluLayerPaths(job.model)
            job.stats.trackActiveChannels { $0.kind == .forward && judged.contains($0.path) }
        }
    }

    public func record(_ records: [ActivationRecord]) {
        guard isEnabled else { return }
        for r in records where !r.summary.values.computed.isEmpty || !r.summary.activeChannels.isEmpty {
            monitor.observe(path: r.path, kind: SignalKind(r.kind), batch: r.batch, epoch: r.epoch,
                            values: r.summary.values, activeChannels: r.summary.activeChannels)
        }
        raise()
    }

    public func endBatch(_ learner: Learner) throws {
        if isEnabled { observeLoss(learner) }
        // At the batch's end, not here: a data-parallel run's ranks first agree to end together.
        if let stop { learner.failAtBatchEnd(stop) }
    }

    private func observeLoss(_ learner: Learner) {
        monitor.observeLoss(learner.lastLoss, batch: learner.position.iteration, epoch: learner.position.epoch)
        raise()
    }

    private func raise() {
        for event in monitor.drain() {
            let row = AlertRow(runID: runID, rule: event.rule.name, path: event.path, kind: event.kind.rawValue,
                               batch: Int64(event.batch), epoch: Int64(event.epoch), value: event.value,
                               threshold: event.threshold, action: event.action.rawValue, message: event.message, rank: rank)
            writer.record(row)
            exchange?.send(row)
            report(event)
            if event.action == .stop, stop == nil { stop = AlertStop(event: event) }
        }
    }
}
