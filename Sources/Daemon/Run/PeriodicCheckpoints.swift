import Foundation
import HookKit
import Logging
import StatsStore

/// Writes a run's checkpoint every `everyBatches` batches and at each epoch end, and on
/// request (the shutdown's), always after the statistics it covers are on disk.
///
/// A learner callback on the training queue. A periodic checkpoint that falls due at a batch's
/// end is written at the next batch's start, after every callback has recorded that batch (the
/// health rules' alerts come after this callback) and its rows were handed to the writer. Rank 0
/// of a data-parallel run also needs the other ranks' rows through that batch, which reach it
/// only when the ranks agree to gather them (`RankSync`): the due checkpoint asks for a gather
/// and waits for it, two batches at most. A crash of any rank then loses no row that a resume
/// does not train again. Checkpoints at epoch ends and stops follow a gather already.
final class PeriodicCheckpoints: LearnerCallback {
    private let runID: Int64
    private unowned let job: TrainingJob
    private let writer: StatsWriter
    private let url: URL
    private let everyBatches: Int
    private let logger: Logger
    /// A periodic checkpoint fell due and waits for the next batch's start.
    private var due = false

    /// - Parameter everyBatches: 0 checkpoints only at epoch ends (and on request).
    init(runID: Int64, job: TrainingJob, writer: StatsWriter, url: URL, everyBatches: Int, logger: Logger) {
        self.runID = runID
        self.job = job
        self.writer = writer
        self.url = url
        self.everyBatches = everyBatches
        self.logger = logger
    }

    /// Commits every stats row handed over so far, then saves the checkpoint: a checkpoint never
    /// points past statistics that are not on disk, so a crash loses no row for good. While the
    /// writer retries a failed commit (disk full) the checkpoint is skipped: the previous one
    /// stays valid, since re-trained batches replace their rows.
    ///
    /// - Parameter position: the next batch to train, where a resume starts.
    func checkpoint(at position: TrainingPosition) throws {
        try writer.flush()
        if writer.isRetrying {
            logger.warning("run \(runID): checkpoint at batch \(position.iteration) skipped: stats rows are not on disk yet")
            return
        }
        try job.saveCheckpoint(to: url, position: position)
        try writer.setCheckpoint(runID, path: url.path)
    }

    func endBatch(_ learner: Learner) throws {
        guard everyBatches > 0, (learner.position.iteration + 1) % everyBatches == 0 else { return }
        due = true
        learner.rankSync?.requestGather()
    }

    func beginBatch(_ learner: Learner) throws {
        guard due else { return }
        if let sync = learner.rankSync {
            guard let through = sync.rowsCompleteThrough, through + 1 >= learner.position.iteration else { return }
        }
        due = false
        try checkpoint(at: learner.position)
    }

    /// Saves the checkpoint of a run an alert stopped, at the end of the batch that raised it
    /// (its statistics are recorded): the model as it went wrong, for `GET /runs/{id}/weights`.
    func checkpointStopped(_ learner: Learner) throws {
        try checkpoint(at: Self.after(learner.position))
    }

    /// Where training resumes after the batch at `p`, which has ended.
    private static func after(_ p: TrainingPosition) -> TrainingPosition {
        TrainingPosition(epoch: p.epoch, batch: p.batch + 1, iteration: p.iteration + 1)
    }

    func endEpoch(_ learner: Learner, metrics: EpochMetrics) throws {
        due = false
        let p = learner.position
        try checkpoint(at: TrainingPosition(epoch: p.epoch + 1, batch: 0, iteration: p.iteration))
    }
}
