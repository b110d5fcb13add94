import Foundation

/// The bounded hand-over between producers (training) and the writer queue.
///
/// `@unchecked Sendable`: every stored property is read and written only while holding
/// `condition` (an NSCondition, i.e. a mutex plus the signal producers wait on for room).
final class RowBuffer: @unchecked Sendable {
    /// What the caller of `append` must do after the lock is released.
    struct AppendOutcome {
        /// Rows dropped by this call (oldest waiting first, then oldest of the new ones).
        var dropped = 0
        /// Total dropped so far, for the log line.
        var totalDropped = 0
        /// Log the drop (rate-limited to one line per second).
        var shouldLogDrop = false
        /// Schedule a flush now: the row threshold was reached.
        var flushNow = false
        /// Schedule a flush after the policy delay: these are the first rows waiting.
        var flushLater = false
    }

    /// Which scheduled flush is taking the rows, so its flag can be cleared.
    enum Taker { case now, later, caller, retry }

    private let condition = NSCondition()
    private let flushPolicy: FlushPolicy
    private let queuePolicy: QueuePolicy
    private var rows: [PendingRow] = []
    private var accepting = true
    /// The writer is retrying a failed commit: waiting for room would only stall training.
    private var stalled = false
    private var flushNowScheduled = false
    private var flushLaterScheduled = false
    private var dropped = 0
    private var committed = 0
    private var lastDropLog: Date?

    init(flushPolicy: FlushPolicy, queuePolicy: QueuePolicy) {
        self.flushPolicy = flushPolicy
        self.queuePolicy = queuePolicy
    }

    /// Adds rows, waiting up to the policy's block time for room, then dropping the oldest.
    ///
    /// - Parameter requestFlush: called without the lock held when the buffer is full and no
    ///   flush is scheduled yet, so that the writer makes room while this producer waits.
    func append(_ new: [PendingRow], requestFlush: () -> Void) -> AppendOutcome {
        var outcome = AppendOutcome()
        guard !new.isEmpty else { return outcome }
        condition.lock()
        defer { condition.unlock() }
        guard accepting else {
            dropped += new.count
            return outcome
        }
        let capacity = queuePolicy.capacity
        if !rows.isEmpty, rows.count + new.count > capacity, queuePolicy.blockMilliseconds > 0, !stalled {
            let deadline = Date(timeIntervalSinceNow: Double(queuePolicy.blockMilliseconds) / 1000)
            // The writer must be told to make room, or waiting is pointless.
            if !flushNowScheduled {
                flushNowScheduled = true
                condition.unlock()
                requestFlush()
                condition.lock()
            }
            while !rows.isEmpty, rows.count + new.count > capacity, accepting, !stalled, condition.wait(until: deadline) {}
        }
        var incoming = new[...]
        let overflow = rows.count + incoming.count - capacity
        if overflow > 0 {
            let fromWaiting = Swift.min(overflow, rows.count)
            rows.removeFirst(fromWaiting)
            incoming = incoming.dropFirst(overflow - fromWaiting)
            dropped += overflow
            outcome.dropped = overflow
            outcome.totalDropped = dropped
            if lastDropLog.map({ -$0.timeIntervalSinceNow >= 1 }) ?? true {
                lastDropLog = Date()
                outcome.shouldLogDrop = true
            }
        }
        if !accepting {
            dropped += incoming.count
            return outcome
        }
        let wasEmpty = rows.isEmpty
        rows.append(contentsOf: incoming)
        if stalled {
            // The writer's retry owns the next attempt; a flush now would only fail again.
        } else if rows.count >= Swift.min(flushPolicy.maxRows, capacity), !flushNowScheduled {
            flushNowScheduled = true
            outcome.flushNow = true
        } else if wasEmpty, !flushLaterScheduled, !flushNowScheduled {
            flushLaterScheduled = true
            outcome.flushLater = true
        }
        return outcome
    }

    /// Takes every waiting row and wakes producers blocked for room.
    func takeAll(for taker: Taker) -> [PendingRow] {
        condition.lock()
        defer { condition.unlock() }
        clearSchedule(for: taker)
        let taken = rows
        rows.removeAll(keepingCapacity: true)
        condition.broadcast()
        return taken
    }

    /// Forgets that `taker`'s flush is scheduled, without taking rows (a retry is pending).
    func release(_ taker: Taker) {
        condition.lock()
        clearSchedule(for: taker)
        condition.unlock()
    }

    private func clearSchedule(for taker: Taker) {
        switch taker {
        case .now: flushNowScheduled = false
        case .later: flushLaterScheduled = false
        case .caller, .retry: break
        }
    }

    /// Puts rows whose commit failed back in front of those waiting, keeping the newest
    /// `capacity` rows; the oldest dropped to fit count as dropped.
    func requeue(_ failed: [PendingRow]) {
        condition.lock()
        defer { condition.unlock() }
        guard accepting else {
            dropped += failed.count
            return
        }
        rows.insert(contentsOf: failed, at: 0)
        let overflow = Swift.max(0, rows.count - queuePolicy.capacity)
        rows.removeFirst(overflow)
        dropped += overflow
    }

    /// Accepts rows again after `stopAccepting()` (a failure was cleared).
    func resumeAccepting() {
        condition.lock()
        accepting = true
        condition.unlock()
    }

    /// Drops waiting rows of `runs` (deleted runs: committing them later would leave orphans);
    /// they count as dropped.
    func discard(runs: Set<Int64>) {
        condition.lock()
        defer { condition.unlock() }
        let before = rows.count
        rows.removeAll { runs.contains($0.runID) }
        dropped += before - rows.count
        condition.broadcast()
    }

    /// Marks the writer as retrying (producers stop waiting for room) or recovered.
    func setStalled(_ value: Bool) {
        condition.lock()
        stalled = value
        condition.broadcast()
        condition.unlock()
    }

    /// Refuses further rows (they count as dropped) and drops those waiting.
    func stopAccepting() {
        condition.lock()
        defer { condition.unlock() }
        accepting = false
        dropped += rows.count
        rows.removeAll()
        condition.broadcast()
    }

    /// Counts rows the writer committed.
    func noteCommitted(_ count: Int) {
        condition.lock()
        committed += count
        condition.unlock()
    }

    /// Counts rows the writer took but could not commit.
    func noteLost(_ count: Int) {
        condition.lock()
        dropped += count
        condition.unlock()
    }

    /// (committed, dropped, waiting) at one instant.
    var counts: (committed: Int, dropped: Int, waiting: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (committed, dropped, rows.count)
    }
}
