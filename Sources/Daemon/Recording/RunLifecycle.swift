import Health
import HookKit
import StatsStore

/// One run from its spec to a final status in the stats file, the same for `hookd train --db`
/// and the daemon; a `RunParticipant` adds what only one of them does.
///
/// 1. Build the job (data, model, hooks). A spec that does not fit its data fails the run with
///    `started_at` left NULL: it never trained.
/// 2. Record its modules; the participant prepares (the daemon restores a checkpoint).
/// 3. Mark it `running`, which stamps `started_at` (kept on a resume): when training starts,
///    after the job is built.
///    Its health is watched from then on (`HealthWatch`): alerts are stored and reported, and a
///    rule whose action is `stop` fails the run at the end of the batch that raised it.
/// 4. Attach its hooks (a hooks row each) and train, unless a stop came first.
/// 5. Wait out write retries: the rows a retry still holds land, or fail for good, before the
///    run gets its final status.
/// 6. Final status: `finished` after the last epoch, else the participant's (`interrupted`,
///    `cancelled`); an error fails it, with its text in `error`, unless the participant says
///    the error was the stop itself (a data-parallel peer that stopped first). A run that ended
///    for good (finished, cancelled, failed) closes its open hooks rows (`detached_batch`: the
///    first batch they did not record); an interrupted one keeps them open for its resume.
///
/// Runs on the thread that owns the job (the daemon's training queue, the CLI's main thread).
public struct RunLifecycle {
    /// The stats file's writer.
    public let writer: StatsWriter
    /// The run's id in `runs` (created `queued` beforehand).
    public let runID: Int64

    /// The lifecycle of run `runID`.
    public init(writer: StatsWriter, runID: Int64) {
        self.writer = writer
        self.runID = runID
    }

    /// Trains an already built job (`hookd train`, which builds it before opening the file).
    ///
    /// - Returns: the status the run ended with.
    /// - Throws: the error that failed the run, after recording it.
    @discardableResult
    public func run(_ job: TrainingJob, participant: some RunParticipant = StandaloneRun()) throws -> RunStatus {
        try run(build: { job }, participant: participant)
    }

    /// Builds the job with `build`, then trains it to a final status.
    ///
    /// - Returns: the status the run ended with.
    /// - Throws: the error that failed the run (from `build` too), after recording it.
    @discardableResult
    public func run(build: () throws -> TrainingJob, participant: some RunParticipant) throws -> RunStatus {
        var built: (job: TrainingJob, recorder: StatsRecorder)?
        var start = TrainingPosition()
        var phase = Phase.preparing
        do {
            let job = try build()
            let recorder = StatsRecorder(writer: writer, runID: runID, job: job)
            built = (job, recorder)
            let exchange = try joinRanks(job, recorder: recorder)
            try recorder.recordModules()
            start = try participant.prepare(job, recorder: recorder)
            watchHealth(job, participant: participant, exchange: exchange)
            try writer.markRun(runID, status: .running)
            try participant.attachHooks(job, recorder: recorder, from: start)
            // A stop asked for while the job was built (cancel, SIGTERM) trains no batch at all.
            if !job.learner.stopSignal.isRequested {
                phase = .training
                try job.train(from: start)
                phase = .trained
            }
            try writer.flushWaitingOutRetries(waiting: participant.waitingForWrites)
            let end = phase == .trained ? job.learner.position : start
            let status = phase == .trained && end.epoch >= job.spec.train.epochs
                ? .finished : try participant.stopped(job, at: end, trained: phase == .trained)
            if status.hasEnded { try closeHooks(recorder, atBatch: end.iteration) }
            try writer.markRun(runID, status: status)
            return status
        } catch {
            try? writer.flushWaitingOutRetries(waiting: participant.waitingForWrites)
            let status = participant.status(failingWith: error)
            if let (job, recorder) = built, status.hasEnded {
                // A batch that failed may have recorded some statistics: its hooks end after it.
                let position = job.learner.position.iteration
                let batch = phase == .preparing ? start.iteration : phase == .training ? position + 1 : position
                try? closeHooks(recorder, atBatch: batch)
                // Kept with the statistics; a failed checkpoint must not hide the alert's error.
                if error is AlertStop { try? participant.stoppedByAlert(job) }
            }
            try? writer.markRun(runID, status: status, error: status == .failed ? "\(error)" : nil)
            guard status == .failed else { return status }
            throw error
        }
    }

    /// Judges the run's batches from here on, after the participant's parts (so they see a batch
    /// that raises a stop), unless every rule is switched off.
    private func watchHealth(_ job: TrainingJob, participant: some RunParticipant, exchange: RankRowsExchange?) {
        let policy = HealthPolicy(participant.alertDefaults + job.spec.alerts)
        guard policy.anyEnabled else { return }
        let runID = runID
        // The learner keeps the watch alive, as its callback and stats sink.
        _ = HealthWatch(policy: policy, writer: writer, runID: runID, job: job, earlier: participant.earlierAlerts(runID: runID),
                        exchange: exchange) {
            participant.alertRaised($0, runID: runID)
        }
    }

    /// For a data-parallel run: records which rank of how many this file's run is, and routes
    /// the rows of every rank but 0 to rank 0's file (`RankRowsExchange`, gathered by the
    /// learner's `RankSync` at most every flush delay). Nil for a run that trains alone.
    private func joinRanks(_ job: TrainingJob, recorder: StatsRecorder) throws -> RankRowsExchange? {
        guard let sync = job.learner.rankSync else { return nil }
        try writer.setPlacement(runID, rank: sync.group.rank, worldSize: sync.group.worldSize)
        let exchange = RankRowsExchange(writer: writer, runID: runID, rank: sync.group.rank)
        sync.mail = exchange
        sync.gatherInterval = Double(writer.flushPolicy.maxDelayMilliseconds) / 1000
        recorder.exchange = exchange
        return exchange
    }

    /// Closes the run's open hooks rows, unless the writer has stopped recording: hooks rows
    /// belong to the statistics, which `continue_without_stats` gave up after a failed write (a
    /// full disk); what that disk still takes is the run's status, not these rows.
    private func closeHooks(_ recorder: StatsRecorder, atBatch batch: Int) throws {
        guard writer.isRecording else { return }
        try recorder.closeOpenHooks(atBatch: batch)
    }

    /// How far the run got, for the batch a failed run's hooks close at.
    private enum Phase { case preparing, training, trained }
}
