import Synchronization

/// A thread-safe request to stop training at the next batch boundary (cancel, SIGTERM).
public final class StopSignal: Sendable {
    private let requested = Atomic<Bool>(false)

    public init() {}

    /// Asks the learner to stop after the current batch; callable from any thread.
    public func request() { requested.store(true, ordering: .releasing) }

    public var isRequested: Bool { requested.load(ordering: .acquiring) }
}
