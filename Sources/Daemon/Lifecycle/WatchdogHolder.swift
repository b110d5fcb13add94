import Synchronization

/// The daemon's current watchdog, swapped under a mutex (set after READY, cancelled at stop).
final class WatchdogHolder: Sendable {
    private let current = Mutex<Watchdog?>(nil)

    /// Replaces the watchdog, cancelling the previous one.
    func set(_ watchdog: Watchdog?) {
        let old = current.withLock { c -> Watchdog? in
            let old = c
            c = watchdog
            return old
        }
        old?.cancel()
    }
}
