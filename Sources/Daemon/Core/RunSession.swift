import Foundation
import HookKit
import StatsStore

/// One run's life on the training queue: build the job, restore a checkpoint, train, and leave a
/// final status in the stats file (`finished`, `failed` with its error, `cancelled`, `interrupted`).
///
/// Confined to `DaemonCore.trainingQueue`'s thread: it owns the `TrainingJob`, which no other thread sees.
final class RunSession {
    let core: DaemonCore
    let runID: Int64
    let resume: Bool
    let control: RunControl

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
        let status: RunStatus
        do {
            status = try train()
        } catch {
            core.logger.error("run \(runID) failed: \(error)")
            try? core.writer.flushWaitingOutRetries { core.live.noteProgress() }
            try? core.writer.setFinished(runID, status: .failed, error: "\(error)")
            status = .failed
        }
        core.hookCommands.runEnded(runID)
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

    private func train() throws -> RunStatus {
        let record = try core.reader.run(runID)
        var spec = try RunSpec.parse(Data(record.spec.utf8))
        if case .object(let fields) = spec.source, fields["hooks"] == nil { spec.hooks = core.config.defaultHooks }
        // A write failure ended an earlier run (disk full past the retry window); this run gets
        // a fresh start instead of failing at its first batch for the daemon's whole lifetime.
        core.writer.clearFailure()
        try core.writer.markRun(runID, status: .running)
        core.logger.info("run \(runID) (\(spec.name)) loading data and building \(spec.model.arch.rawValue)")
        // The store is the record: keeping every row in memory too would grow for weeks.
        let job = try TrainingJob(spec: spec, defaultThreads: core.config.trainingThreads, keepStatsInMemory: false)
        control.connect(job.learner.stopSignal)
        let recorder = StatsRecorder(writer: core.writer, runID: runID, job: job)
        try recorder.recordModules()
        try saveSummary(job.summary)
        let paths = Set(job.model.namedModules().map(\.path).filter { !$0.isEmpty })
        core.live.update { s in
            s.modulePaths = paths
            s.progress[runID]?.epochs = spec.train.epochs
            s.progress[runID]?.batchesPerEpoch = job.data.train.batchCount
        }

        var start = TrainingPosition()
        let checkpoint = core.checkpointURL(runID)
        if resume, FileManager.default.fileExists(atPath: checkpoint.path) {
            start = try job.restoreCheckpoint(from: checkpoint)
            core.logger.info("run \(runID) resumes at epoch \(start.epoch) batch \(start.batch) (global batch \(start.iteration))")
        }
        let session = SessionCallback(core: core, runID: runID, job: job, recorder: recorder, checkpoint: checkpoint)
        try session.installHooks(resumingAt: resume ? start : nil)
        job.learner.callbacks.append(session)
        job.stats.sinks.append(session)
        core.live.update { s in
            s.progress[runID]?.epoch = start.epoch
            s.progress[runID]?.batch = start.batch
            s.progress[runID]?.iteration = start.iteration
            s.progress[runID]?.phase = "training"
        }

        var trained = false
        if control.reason == nil {
            try job.train(from: start)
            trained = true
        }
        try core.writer.flushWaitingOutRetries { core.live.noteProgress() }
        if job.learner.position.epoch >= spec.train.epochs && trained {
            try session.closeHooks(atBatch: job.learner.position.iteration)
            try core.writer.setFinished(runID)
            return .finished
        }
        switch control.reason {
        case .cancel?:
            try session.closeHooks(atBatch: trained ? job.learner.position.iteration : start.iteration)
            try core.writer.markRun(runID, status: .cancelled)
            return .cancelled
        case .shutdown?, nil:
            // Stopped between batches: the checkpoint holds the next batch to train, so a resumed
            // run neither repeats nor skips one (stats rows are keyed by batch, too).
            if trained { try session.checkpoint(at: job.learner.position) }
            try core.writer.markRun(runID, status: .interrupted)
            return .interrupted
        }
    }

    /// Keeps the run's summary next to its checkpoint, so `/summary` works after a restart.
    private func saveSummary(_ summary: ModelSummary) throws {
        let directory = core.runDirectory(runID)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try summary.json().write(to: directory.appendingPathComponent("summary.json"), options: .atomic)
        try Data(summary.text().utf8).write(to: directory.appendingPathComponent("summary.txt"), options: .atomic)
    }
}
