import Dispatch
import Synchronization

/// The lock-protected snapshot the training queue writes and HTTP handlers read.
///
/// Handlers never see the model; they copy a `LiveSnapshot` (or one field) out under the mutex.
/// Updates are small and O(layers), so neither side holds the lock for long.
public final class LiveState: Sendable {
    private let state = Mutex(LiveSnapshot())

    /// An empty state.
    public init() {}

    /// A copy of everything.
    public var snapshot: LiveSnapshot { state.withLock { $0 } }

    /// The active run's id.
    public var activeRunID: Int64? { state.withLock { $0.activeRunID } }

    /// Runs `body` on the state under the lock (training queue and tests).
    public func update<T>(_ body: (inout LiveSnapshot) -> T) -> T {
        state.withLock { body(&$0) }
    }

    /// Notes that the training queue is alive now (the watchdog feeds systemd from this).
    public func noteProgress() {
        let now = DispatchTime.now().uptimeNanoseconds
        state.withLock { $0.lastProgressNanos = now }
    }

    /// Progress of one run, if this process has started it.
    public func progress(_ runID: Int64) -> RunProgress? { state.withLock { $0.progress[runID] } }
}
