import Foundation
import HookKit
import StatsStore

/// Trains a job while recording it into a stats file, from start to a final run status.
///
/// Marks the run running, records modules and hooks, trains, flushes every row, and marks the
/// run finished, failed (with the error text) or interrupted (stopped through the learner's
/// stop signal). Used by `hookd train --db` and by the daemon's run queue.
public enum RecordedTraining {
    /// The status of a run stopped on request (SIGTERM, SIGINT) before its last epoch; resumable.
    public static let interrupted = RunStatus(rawValue: "interrupted")

    /// - Returns: the status the run ended with.
    @discardableResult
    /// - Parameter prepare: sees the recorder before training starts (benchmarks switch it).
    public static func run(_ job: TrainingJob, writer: StatsWriter, runID: Int64,
                           from start: TrainingPosition = .init(), resumed: Bool = false,
                           prepare: (StatsRecorder) -> Void = { _ in }) throws -> RunStatus {
        let recorder = StatsRecorder(writer: writer, runID: runID, job: job)
        prepare(recorder)
        do {
            if !resumed {
                try recorder.recordModules()
                try writer.setStarted(runID)
            } else {
                try writer.markRun(runID, status: .running)
            }
            try recorder.recordHooksAtStart(batch: start.iteration)
            try job.train(from: start)
            try writer.flush()
            let status: RunStatus = job.learner.wasStopped ? interrupted : .finished
            if status == .finished { try writer.setFinished(runID) } else { try writer.markRun(runID, status: status) }
            return status
        } catch {
            try? writer.flush()
            try? writer.setFinished(runID, status: .failed, error: "\(error)")
            throw error
        }
    }
}
