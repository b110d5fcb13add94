import Foundation

/// The hand-over between one producer of batches and one consumer: at most `capacity`
/// ready batches (or the error that ended the producer), in order, plus cancellation.
///
/// `@unchecked Sendable`: `ready`, `cancelled` and `producerDone` are read and written only
/// while holding `condition` (an NSCondition, whose lock is also what waiters sleep on).
final class PrefetchBuffer: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var ready: [Result<Batch, any Error>] = []
    private var cancelled = false
    private var producerDone = false

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        ready.reserveCapacity(capacity)
    }

    /// Producer: blocks while `capacity` batches are waiting; false once cancelled.
    func waitForRoom() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= capacity && !cancelled { condition.wait() }
        return !cancelled
    }

    /// Producer: hands over the next batch, or the error that ends the epoch (dropped if the
    /// consumer has cancelled).
    func put(_ batch: Result<Batch, any Error>) {
        condition.lock()
        defer { condition.unlock() }
        if !cancelled { ready.append(batch) }
        condition.broadcast()
    }

    /// Producer: says it will put nothing more, whether it finished or was cancelled.
    func finishProducing() {
        condition.lock()
        defer { condition.unlock() }
        producerDone = true
        condition.broadcast()
    }

    /// Consumer: the next batch (or error), blocking while the producer is behind; nil once
    /// the producer has finished with nothing left, or after `cancel()`. `stalled` says
    /// whether it had to wait.
    func take() -> (batch: Result<Batch, any Error>?, stalled: Bool) {
        condition.lock()
        defer { condition.unlock() }
        var stalled = false
        while ready.isEmpty && !producerDone && !cancelled {
            stalled = true
            condition.wait()
        }
        guard !cancelled, !ready.isEmpty else { return (nil, stalled) }
        let batch = ready.removeFirst()
        condition.broadcast()
        return (batch, stalled)
    }

    /// Consumer: stops the producer, drops ready batches, and waits until the producer has
    /// left its loop, so no work outlives the epoch. The wait is at most one batch's build.
    func cancelAndWait() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        ready.removeAll()
        condition.broadcast()
        while !producerDone { condition.wait() }
    }
}
