import Foundation
import Synchronization

/// Parks the main thread in its run loop, which drains the main queue on the main thread
/// itself, until `stop()`.
///
/// `hookd serve` parks there so that jobs other threads put on the main queue run on a thread at
/// the daemon's own nice and CPUs. `dispatchMain()` would not do: on Linux it ends the main
/// thread, and the main queue becomes an ordinary queue drained by libdispatch workers, which
/// start from, and inherit the nice and CPUs of, whichever thread submits.
public final class MainRunLoop: Sendable {
    private let stopped = Atomic<Bool>(false)

    /// A loop that has not run yet.
    public init() {}

    /// Runs the main run loop until `stop()`; call it on the main thread.
    public func run() {
        while !stopped.load(ordering: .acquiring) {
            _ = RunLoop.main.run(mode: .default, before: .distantFuture)
        }
    }

    /// Makes `run()` return, from any thread, once the main queue reaches this request.
    public func stop() {
        stopped.store(true, ordering: .releasing)
        // The run loop returns after handling a source; an empty job is one.
        DispatchQueue.main.async {}
    }
}
