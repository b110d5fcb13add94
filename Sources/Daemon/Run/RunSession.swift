import Foundation
import Health
import HookKit
import StatsStore
import Torch

/// One daemon run on the training queue: `RunLifecycle` with the daemon's parts, each given only
/// what it needs: `LiveHooks` and `HookCommandApplier` (hook commands at batch boundaries),
/// `LiveProgress` and `LatestStatsSink` (what handlers read), `PeriodicCheckpoints`, and the
/// run's `RunControl` (cancel vs shutdown). A data-parallel run (`train.distributed`) first joins
/// its process group (`RankGroup`); then only rank 0 checkpoints, and every rank starts from rank
/// 0's state.
///
/// Confined to `DaemonCore.trainingQueue`: it owns the `TrainingJob`, which no other thread sees.
final class RunSession: RunParticipant {
    private let core: DaemonCore
    let runID: Int64
    let resume: Bool
    let control: RunControl
    /// The parts that need each other after `prepare`, for the rest of the run.
    private var hooks: LiveHooks?
    private var checkpoints: PeriodicCheckpoints?
    /// Whether the spec names a data-parallel group (`train.distributed`).
    private var isDataParallel = false
    /// The data-parallel group the run is one rank of, joined in `buildJob`.
    private var group: ProcessGroup?
    /// Rank 0 (or a run that trains alone) keeps the checkpoint the run resumes from.
    private var keepsCheckpoints: Bool { (group?.rank ?? 0) == 0 }

    init(core: DaemonCore, runID: Int64, resume: Bool, control: RunControl) {
        self.core = core
        self.runID = runID
        self.resume = resume
        self.control = control
    }

    /// Trains the run to its end (or to a stop request) and records the outcome.
    func run() {
        core.live.update { s in
            s.activeRunID = runID
            s.progress[runID] = RunProgress(runID: runID, status: .running)
            s.modulePaths = nil
            s.openHooks = [:]
        }
        core.live.noteProgress()
        // A write failure ended an earlier run (disk full past the retry window); this run gets
        // a fresh start instead of failing at its first batch for the daemon's whole lifetime.
        core.writer.clearFailure()
        let status: RunStatus
        do {
            status = try RunLifecycle(writer: core.writer, runID: runID).run(build: buildJob, participant: self)
        } catch {
            core.logger.error("run \(runID) failed: \(error)")
            status = .failed
        }
        (hooks, checkpoints, group) = (nil, nil, nil)
        // Unless a client queued it again meanwhile (`POST /runs/{id}/resume`): its hooks wait for that.
        if !core.waitingRuns.contains(runID) { core.hookCommands.runEnded(runID) }
        core.live.update { s in
            s.activeRunID = nil
            s.modulePaths = nil
            s.openHooks = [:]
            s.progress[runID]?.status = status
            s.progress[runID]?.phase = "done"
            s.runsEnded[status.rawValue, default: 0] += 1
        }
        core.live.noteProgress()
        core.logger.info("run \(runID) \(status)")
        core.applyRetention()
    }

    /// The run's stored spec (the daemon's default hooks when it names none) as a job.
    private func buildJob() throws -> TrainingJob {
        let record = try core.reader.run(runID)
        var spec = try RunSpec.parse(Data(record.spec.utf8))
        if case .object(let fields) = spec.source, fields["hooks"] == nil { spec.hooks = core.config.defaultHooks }
        core.logger.info("run \(runID) (\(spec.name)) loading data and building \(spec.model.arch.rawValue)")
        // Joined first: the group says which shard of the data this rank loads.
        isDataParallel = spec.train.distributed != nil
        group = try spec.train.distributed.map { try RankGroup.join($0, runID: runID, live: core.live, logger: core.logger) }
        // The store is the record: keeping every row in memory too would grow for weeks.
        // A resumed run's checkpoint holds the model: its weights file is not needed again.
        let restoring = resume && keepsCheckpoints && FileManager.default.fileExists(atPath: core.checkpointURL(runID).path)
        let job = try TrainingJob(spec: spec, defaultThreads: core.config.trainingThreads, keepStatsInMemory: false,
                                  maxHooks: core.config.maxHooks, loadingWeights: !restoring, group: group)
        if let weights = job.weights {
            if weights.left.isEmpty { core.logger.info("run \(runID) weights: \(weights)") } else { core.logger.warning("run \(runID) weights: \(weights)") }
        }
        return job
    }

    // MARK: RunParticipant

    /// Connects the stop request, publishes the model, restores the checkpoint of a resumed run
    /// (a data-parallel run: rank 0's, which every rank then takes), and adds the daemon's parts
    /// to the learner, after the recorder (see `PeriodicCheckpoints`).
    func prepare(_ job: TrainingJob, recorder: StatsRecorder) throws -> TrainingPosition {
        control.connect(job.learner.stopSignal)
        job.learner.rankSync?.localStopCode = { [control] in
            switch control.reason {
            case .cancel?: RankSync.cancelCode
            case .shutdown?: RankSync.stopCode
            case nil: 0
            }
        }
        try saveSummary(job.summary)
        let paths = Set(job.model.namedModules().map(\.path).filter { !$0.isEmpty })
        core.live.update { s in
            s.modulePaths = paths
            s.progress[runID]?.epochs = job.spec.train.epochs
            s.progress[runID]?.batchesPerEpoch = job.data.train.batchCount
        }
        var start = TrainingPosition()
        let url = core.checkpointURL(runID)
        if resume, keepsCheckpoints, FileManager.default.fileExists(atPath: url.path) {
            start = try job.restoreCheckpoint(from: url)
            core.logger.info("run \(runID) resumes at epoch \(start.epoch) batch \(start.batch) (global batch \(start.iteration))")
        }
        if let group {
            start = try job.takeRankZeroState(from: start, through: group)
            if resume, group.rank != 0 {
                core.logger.info("run \(runID) resumes at epoch \(start.epoch) batch \(start.batch) (global batch \(start.iteration)) from rank 0's checkpoint")
            }
        }
        let timer = HookTimer()
        let hooks = LiveHooks(runID: runID, job: job, recorder: recorder, live: core.live, timer: timer)
        let checkpoints = keepsCheckpoints ? PeriodicCheckpoints(runID: runID, job: job, writer: core.writer, url: url,
                                                                 everyBatches: core.config.checkpointEveryBatches,
                                                                 logger: core.logger) : nil
        job.learner.callbacks += [
            HookCommandApplier(runID: runID, commands: core.hookCommands, hooks: hooks, maxHooks: core.config.maxHooks,
                               logger: core.logger),
            LiveProgress(runID: runID, live: core.live, timer: timer),
        ]
        if let checkpoints { job.learner.callbacks.append(checkpoints) }
        job.stats.sinks.append(LatestStatsSink(runID: runID, live: core.live))
        (self.hooks, self.checkpoints) = (hooks, checkpoints)
        core.live.update { s in
            s.progress[runID]?.epoch = start.epoch
            s.progress[runID]?.batch = start.batch
            s.progress[runID]?.iteration = start.iteration
            s.progress[runID]?.phase = "training"
        }
        return start
    }

    /// The spec's hooks, or a resumed run's open hooks under their old rows (`LiveHooks.install`),
    /// with those its end closed, if it had ended (a failed or cancelled run resumed over HTTP).
    func attachHooks(_ job: TrainingJob, recorder: StatsRecorder, from start: TrainingPosition) throws {
        if resume { try core.writer.reopenHooksClosedByRunEnd(run: runID) }
        let rows = resume ? try core.reader.hooks(run: runID) : []
        try hooks?.install(reopening: rows, atBatch: start.iteration)
    }

    func stopped(_ job: TrainingJob, at position: TrainingPosition, trained: Bool) throws -> RunStatus {
        // Another rank's cancel cancels the run here too; its shutdown leaves it interrupted.
        if control.reason == nil, job.learner.rankSync?.agreedStopCode == RankSync.cancelCode { return .cancelled }
        return try control.stoppedStatus(at: position, trained: trained) { try checkpoints?.checkpoint(at: $0) }
    }

    /// A data-parallel rank asked to stop (cancel, SIGTERM) whose rendezvous or collective
    /// failed: the peer that stopped first closed the group, or the stop came while joining it.
    /// The run ends as asked; an interrupted one resumes from rank 0's last checkpoint. Anything
    /// else, an alert's stop included, fails the run.
    func status(failingWith error: any Error) -> RunStatus {
        guard isDataParallel, !(error is AlertStop), let reason = control.reason else { return .failed }
        let status: RunStatus = reason == .cancel ? .cancelled : .interrupted
        core.logger.warning("run \(runID) \(status) while stopping (\(reason)): \(error)")
        return status
    }

    func waitingForWrites() { core.live.noteProgress() }

    var alertDefaults: [RuleOverride] { core.config.alerts }

    func earlierAlerts(runID: Int64) -> [AlertRow] {
        resume ? (try? core.reader.alerts(run: runID)) ?? [] : []
    }

    func stoppedByAlert(_ job: TrainingJob) throws {
        try checkpoints?.checkpointStopped(job.learner)
    }

    func alertRaised(_ alert: AlertEvent, runID: Int64) {
        core.logger.warning("\(alert.logLine(runID: runID))")
    }

    /// Keeps the run's summary next to its checkpoint, so `/summary` works after a restart.
    private func saveSummary(_ summary: ModelSummary) throws {
        let directory = core.runDirectory(runID)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try summary.json().write(to: directory.appendingPathComponent("summary.json"), options: .atomic)
        try Data(summary.text().utf8).write(to: directory.appendingPathComponent("summary.txt"), options: .atomic)
    }
}
