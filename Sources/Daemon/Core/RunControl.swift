import HookKit
import StatsStore
import Synchronization

/// The handle handlers use to stop the active run: a reason plus the learner's stop signal.
///
/// A stop can be asked for before the run's learner exists (while its data loads); the signal is
/// raised as soon as the learner hands it over, so no request is lost.
public final class RunControl: Sendable {
    /// The run this control stops.
    public let runID: Int64
    private let state = Mutex<(reason: StopReason?, signal: StopSignal?)>((nil, nil))

    /// A control for `runID` with no stop requested.
    public init(runID: Int64) { self.runID = runID }

    /// Asks the run to stop at the next batch boundary; the first reason wins.
    public func requestStop(_ reason: StopReason) {
        let signal = state.withLock { s -> StopSignal? in
            if s.reason == nil { s.reason = reason }
            return s.signal
        }
        signal?.request()
    }

    /// Connects the learner's signal (training queue), raising it at once if a stop is pending.
    public func connect(_ signal: StopSignal) {
        let pending = state.withLock { s -> Bool in
            s.signal = signal
            return s.reason != nil
        }
        if pending { signal.request() }
    }

    /// Why the run was asked to stop, if it was.
    public var reason: StopReason? { state.withLock { $0.reason } }

    /// Cancel vs shutdown: the status of the run once it stopped at `position`, before its last
    /// epoch. A cancel ends it `cancelled`. A shutdown (or a stop nobody asked for here) leaves
    /// it `interrupted`, after `checkpoint` saved `position` when it trained at all: the next
    /// start resumes at exactly the next batch, neither repeating nor skipping one (stats rows
    /// are keyed by batch, too). Untrained, the previous checkpoint (if any) is still right.
    public func stoppedStatus(at position: TrainingPosition, trained: Bool,
                              checkpoint: (TrainingPosition) throws -> Void) rethrows -> RunStatus {
        switch reason {
        case .cancel?:
            return .cancelled
        case .shutdown?, nil:
            if trained { try checkpoint(position) }
            return .interrupted
        }
    }
}
