import Dispatch
import Foundation

/// Riding out failures that may pass (`RetryPolicy`): rows whose commit failed go back to the
/// front of the queue and a retry is scheduled with backoff, until a commit succeeds or the
/// window closes and the error policy applies.
extension StatsWriter {
    /// True while a failed commit waits to be retried; its rows are still queued.
    public var isRetrying: Bool { state.withLock { $0.retry != nil } }

    /// Like `flush()`, but waits out a transient failure: keeps trying until the rows are on
    /// disk or the retry window has closed (then the error policy applies). For the end of a
    /// run, where returning with rows unwritten would lose them.
    ///
    /// - Parameter waiting: called before each pause (the daemon tells its watchdog that the
    ///   trainer waits for the disk by design and is not hung).
    /// - Throws: the write error under `.failRun` once the window has closed.
    public func flushWaitingOutRetries(waiting: () -> Void = {}) throws {
        while true {
            try flush()
            let pause = state.withLock { s in
                s.retry.map { retryPolicy.delayMilliseconds(afterAttempt: $0.attempts) }
            }
            guard let pause else { return }
            waiting()
            Thread.sleep(forTimeInterval: Double(pause) / 1000)
        }
    }

    /// Keeps `rows` for another attempt when `error` may pass and the window is open; returns
    /// false when the error policy must apply instead. Runs on `queue` only.
    func retryLater(_ rows: [PendingRow], after error: Error) -> Bool {
        guard retryPolicy.windowMilliseconds > 0, let sqlite = error as? SQLiteError, sqlite.isTransient else { return false }
        let now = DispatchTime.now().uptimeNanoseconds
        let window = UInt64(retryPolicy.windowMilliseconds) * 1_000_000
        let decision = state.withLock { s -> (attempts: Int, log: Bool, schedule: Bool)? in
            let since = s.retry?.since ?? now
            guard !s.closed, now &- since < window else { return nil }
            let attempts = (s.retry?.attempts ?? 0) + 1
            s.retry = (since, attempts)
            // One line when the trouble starts, then one every 10 s: a full disk can last.
            let log = attempts == 1 || now &- s.lastRetryLog >= 10_000_000_000
            if log { s.lastRetryLog = now }
            let schedule = !s.retryScheduled
            s.retryScheduled = true
            return (attempts, log, schedule)
        }
        guard let decision else { return false }
        buffer.setStalled(true)
        buffer.requeue(rows)
        if decision.log {
            logger("stats writer: could not commit \(rows.count) rows to \(path): \(sqlite); keeping them and retrying "
                   + "for up to \(retryPolicy.windowMilliseconds / 1000) s (attempt \(decision.attempts), \(droppedRows) rows dropped so far)")
        }
        if decision.schedule {
            let delay = retryPolicy.delayMilliseconds(afterAttempt: decision.attempts)
            queue.asyncAfter(deadline: .now() + .milliseconds(delay)) { [weak self] in self?.drain(for: .retry) }
        }
        return true
    }

    /// Ends a retry after a successful commit: producers may wait for room again, rows that
    /// arrived meanwhile get a flush, and the log says what the failure cost.
    func endRetry() {
        let ended = state.withLock { s -> (since: UInt64, attempts: Int)? in
            defer { s.retry = nil }
            return s.retry
        }
        guard let ended else { return }
        buffer.setStalled(false)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds &- ended.since) / 1e9
        logger("stats writer: recovered after \(String(format: "%.1f", seconds)) s and \(ended.attempts) failed attempts; "
               + "\(droppedRows) rows dropped in all")
        if pendingRows > 0 { scheduleFlushNow() }
    }
}
