import Foundation
import HookKit
import StatsStore

/// Trains a job while recording it into a stats file, from start to a final run status.
///
/// Marks the run running, records modules and hooks, trains, flushes every row, and marks the
/// run finished, failed (with the error text) or interrupted (stopped through the learner's
/// stop signal). Used by `hookd train --db`; the daemon's `RunSession` has its own lifecycle,
/// since it also tells cancel from shutdown, closes live hooks and checkpoints.
public enum RecordedTraining {
    /// - Parameter prepare: sees the recorder before training starts (benchmarks switch it).
    /// - Returns: the status the run ended with.
    @discardableResult
    public static func run(_ job: TrainingJob, writer: StatsWriter, runID: Int64,
                           prepare: (StatsRecorder) -> Void = { _ in }) throws -> RunStatus {
        let recorder = StatsRecorder(writer: writer, runID: runID, job: job)
        prepare(recorder)
        do {
            try recorder.recordModules()
            try writer.setStarted(runID)
            try recorder.recordHooksAtStart()
            try job.train()
            try writer.flushWaitingOutRetries()
            let status: RunStatus = job.learner.wasStopped ? .interrupted : .finished
            if status == .finished { try writer.setFinished(runID) } else { try writer.markRun(runID, status: status) }
            return status
        } catch {
            try? writer.flush()
            try? writer.setFinished(runID, status: .failed, error: "\(error)")
            throw error
        }
    }
}
