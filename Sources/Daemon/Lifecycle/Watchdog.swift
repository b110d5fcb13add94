import Dispatch

/// Feeds systemd's watchdog (`WATCHDOG=1`) only while the daemon is healthy: idle, or training
/// with a sign of progress (a batch, an epoch, a phase change) within half the watchdog period.
///
/// A training loop stuck in libtorch therefore stops the pings, and systemd restarts the unit;
/// the run then resumes from its last checkpoint.
///
/// `@unchecked Sendable`: `timer` is immutable and only cancelled after init; libdispatch
/// serialises its handler and cancellation on its target queue (`hookd.watchdog`).
public final class Watchdog: @unchecked Sendable {
    private let timer: DispatchSourceTimer
    /// The watchdog period systemd expects pings within (from `WATCHDOG_USEC`).
    public let periodMicroseconds: UInt64

    /// Starts pinging, or returns nil when `WATCHDOG_USEC` is unset or meant for another process.
    public init?(environment: [String: String], notifier: SystemdNotifier, live: LiveState, pid: Int32) {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"].flatMap(Int32.init), owner != pid { return nil }
        periodMicroseconds = usec
        let allowance = usec * 1000 / 2
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "hookd.watchdog"))
        timer.schedule(deadline: .now(), repeating: .microseconds(Int(max(usec / 4, 1000))))
        timer.setEventHandler {
            let s = live.snapshot
            let now = DispatchTime.now().uptimeNanoseconds
            if s.activeRunID == nil || now &- s.lastProgressNanos < allowance {
                notifier.notify("WATCHDOG=1")
            }
        }
        timer.resume()
    }

    /// Stops pinging (at shutdown, after `STOPPING=1`).
    public func cancel() { timer.cancel() }
}
