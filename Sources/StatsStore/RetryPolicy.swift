/// How long the writer rides out a write failure that may pass (a full disk, an I/O error, a
/// lock held too long) before the `StatsErrorPolicy` applies.
///
/// While retrying, rows stay queued (the oldest beyond `QueuePolicy.capacity` are dropped and
/// counted), producers never wait for room, and attempts back off from `firstDelayMilliseconds`
/// doubling up to `maxDelayMilliseconds`. An operator who frees the disk within the window loses
/// at most the overflow. Errors in the SQL or the file itself (corruption) fail at once.
public struct RetryPolicy: Sendable, Equatable {
    /// How long after the first failed attempt the writer keeps trying; 0 fails at once.
    public var windowMilliseconds: Int
    /// Pause before the first retry.
    public var firstDelayMilliseconds: Int
    /// Longest pause between retries.
    public var maxDelayMilliseconds: Int

    /// Creates a policy. The 30 s default stays under half of the unit's `WatchdogSec=120`, so
    /// waiting out a full disk at the end of a run never looks like a hung trainer to systemd.
    public init(windowMilliseconds: Int = 30_000, firstDelayMilliseconds: Int = 100, maxDelayMilliseconds: Int = 5_000) {
        // Clamped to a day and a minute: the nanosecond and shift arithmetic stays far from overflow.
        self.windowMilliseconds = Swift.min(Swift.max(0, windowMilliseconds), 86_400_000)
        self.firstDelayMilliseconds = Swift.min(Swift.max(1, firstDelayMilliseconds), 60_000)
        self.maxDelayMilliseconds = Swift.min(Swift.max(self.firstDelayMilliseconds, maxDelayMilliseconds), 60_000)
    }

    /// No retry: the first failure applies the error policy (the behaviour before retries).
    public static let none = RetryPolicy(windowMilliseconds: 0)

    /// The pause after `attempt` failed attempts (1 = the first failure).
    func delayMilliseconds(afterAttempt attempt: Int) -> Int {
        let doublings = Swift.min(Swift.max(attempt - 1, 0), 20)
        return Swift.min(firstDelayMilliseconds << doublings, maxDelayMilliseconds)
    }
}
