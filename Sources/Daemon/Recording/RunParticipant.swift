import Foundation
import Health
import HookKit
import StatsStore

/// What a caller adds to `RunLifecycle`, at the steps where `hookd train` and the daemon differ.
///
/// Every requirement has a default that adds nothing: that is `hookd train --db`
/// (`StandaloneRun`). The daemon's `RunSession` publishes the run, restores checkpoints, takes
/// hook commands at batch boundaries and tells cancel from shutdown.
public protocol RunParticipant {
    /// The job is built and its modules are recorded; returns where training starts.
    ///
    /// Default: at the beginning.
    func prepare(_ job: TrainingJob, recorder: StatsRecorder) throws -> TrainingPosition

    /// Attaches the run's hooks before its first batch, each under a hooks row.
    ///
    /// Default: the spec's hooks, attached at `start`.
    func attachHooks(_ job: TrainingJob, recorder: StatsRecorder, from start: TrainingPosition) throws

    /// The status of a run that stopped at `position`, before its last epoch; `trained` is false
    /// when the stop came before training started.
    ///
    /// Default: `interrupted` (SIGINT, SIGTERM, `--max-batches`).
    func stopped(_ job: TrainingJob, at position: TrainingPosition, trained: Bool) throws -> RunStatus

    /// The status of a run that `error` ended; anything but `failed` records no error text.
    ///
    /// Default: `failed`. The daemon's data-parallel runs that were asked to stop end as the
    /// stop asked (`interrupted`, `cancelled`): a peer that stopped first fails the collective
    /// this rank waits in, which is the stop, not a fault.
    func status(failingWith error: any Error) -> RunStatus

    /// Called between attempts while the end of the run waits out a write retry.
    ///
    /// Default: nothing. The daemon feeds its watchdog: waiting for the disk is not a hang.
    func waitingForWrites()

    /// Alert overrides every run starts from, before its spec's own `alerts`.
    ///
    /// Default: none (the rules' defaults).
    var alertDefaults: [RuleOverride] { get }

    /// A rule raised an alert (already handed to the writer).
    ///
    /// Default: a `warning:` line on stderr, for `hookd train`.
    func alertRaised(_ alert: AlertEvent, runID: Int64)

    /// An alert whose action is `stop` ended the run at the end of the batch the learner is at.
    ///
    /// Default: nothing. The daemon saves a checkpoint, so the run keeps one (issue 11).
    func stoppedByAlert(_ job: TrainingJob) throws

    /// Alerts the run raised before this process trained it (a resume), whose episodes must not
    /// be raised twice.
    ///
    /// Default: none.
    func earlierAlerts(runID: Int64) -> [AlertRow]
}

extension RunParticipant {
    public func prepare(_ job: TrainingJob, recorder: StatsRecorder) throws -> TrainingPosition { TrainingPosition() }

    public func attachHooks(_ job: TrainingJob, recorder: StatsRecorder, from start: TrainingPosition) throws {
        try recorder.recordHooksAtStart(batch: start.iteration)
    }

    public func stopped(_ job: TrainingJob, at position: TrainingPosition, trained: Bool) throws -> RunStatus { .interrupted }

    public func status(failingWith error: any Error) -> RunStatus { .failed }

    public func waitingForWrites() {}

    public var alertDefaults: [RuleOverride] { [] }

    public func earlierAlerts(runID: Int64) -> [AlertRow] { [] }

    public func stoppedByAlert(_ job: TrainingJob) throws {}

    public func alertRaised(_ alert: AlertEvent, runID: Int64) {
        FileHandle.standardError.write(Data("warning: \(alert.logLine(runID: runID))\n".utf8))
    }
}

extension AlertEvent {
    /// The log line of an alert: run, rule, layer, batch and value, then the rule's message.
    public func logLine(runID: Int64) -> String {
        "run \(runID) alert \(rule.name) on \(path) (\(kind.rawValue)) at batch \(batch), value \(value): \(message)"
    }
}
