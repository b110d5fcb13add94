import Dispatch
import Foundation
import Synchronization

/// The one writer of a stats file: a connection on its own serial queue, fed without blocking.
///
/// Producers (the training loop) call `record`; rows wait in a bounded buffer and are committed
/// one transaction per flush (`FlushPolicy`). Lifecycle writes (`createRun`, `markRun`, …) are
/// synchronous and first commit the rows handed over before them, so a run is never marked
/// finished ahead of its last statistics.
///
/// `@unchecked Sendable`: `connection` and `cache` are touched only on `queue` (a serial queue);
/// `buffer` locks itself; `state` is a `Mutex`.
public final class StatsWriter: @unchecked Sendable {
    /// Mutable status shared between the writer queue and callers.
    struct State {
        var lastError: StatsStoreError?
        var failed = false
        var closed = false
        /// The retry in progress: when its first attempt failed (uptime ns) and attempts so far.
        var retry: (since: UInt64, attempts: Int)?
        var retryScheduled = false
        var lastRetryLog: UInt64 = 0
        /// Runs deleted through this writer (they change reads without committing rows).
        var runsDeleted = 0
        /// Told of every commit, on the writer queue (`observeChanges`).
        var observer: (@Sendable (StoreChange) -> Void)?
    }

    /// The file written.
    public let path: String
    /// When rows are committed.
    public let flushPolicy: FlushPolicy
    /// Bound on waiting rows and what happens beyond it.
    public let queuePolicy: QueuePolicy
    /// What a failed write means for the run.
    public let errorPolicy: StatsErrorPolicy
    /// How long a failure that may pass (disk full) is retried before `errorPolicy` applies.
    public let retryPolicy: RetryPolicy

    let queue: DispatchQueue
    let logger: @Sendable (String) -> Void
    let buffer: RowBuffer
    let state = Mutex(State())
    private var connection: Connection?
    var cache: StatementCache?

    /// Opens (creating if needed) and migrates the file, in WAL mode with synchronous=NORMAL.
    ///
    /// - Parameters:
    ///   - logger: receives one line per problem (dropped rows, write failures); no newline.
    /// - Throws: `StatsStoreError` (`.schemaTooNew`, `.notADatabase`, `.notAStatsFile`, `.sqlite`).
    public init(path: String, flushPolicy: FlushPolicy = FlushPolicy(), queuePolicy: QueuePolicy = QueuePolicy(),
                onError errorPolicy: StatsErrorPolicy = .failRun, retry retryPolicy: RetryPolicy = RetryPolicy(),
                logger: @escaping @Sendable (String) -> Void = StatsWriter.standardErrorLogger) throws {
        self.path = path
        self.flushPolicy = flushPolicy
        self.queuePolicy = queuePolicy
        self.errorPolicy = errorPolicy
        self.retryPolicy = retryPolicy
        self.logger = logger
        self.queue = DispatchQueue(label: "hookd.stats-writer")
        self.buffer = RowBuffer(flushPolicy: flushPolicy, queuePolicy: queuePolicy)
        let db = try Self.wrap { try Connection(path: path) }
        try Self.wrap {
            // The busy timeout comes first: after a crash the first statement may have to wait
            // for a reader (sqlite3, pandas) while the WAL is recovered, and must not fail at once.
            try db.setBusyTimeout(milliseconds: 5000)
            try Schema.mapOpenErrors(path: path) {
                // journal_mode persists in the file, so offline readers see WAL too; synchronous
                // NORMAL is safe in WAL (a power cut loses the last commits, never consistency).
                try db.execute("PRAGMA journal_mode = WAL")
                try db.execute("PRAGMA synchronous = NORMAL")
            }
            try Schema.migrate(db)
        }
        connection = db
        cache = StatementCache(connection: db)
    }

    /// Writes each line to stderr (journald adds timestamps).
    public static let standardErrorLogger: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Runs `body`, turning `SQLiteError` into `StatsStoreError.sqlite`.
    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            throw StatsStoreError.sqlite(error)
        }
    }

    // MARK: Producers

    /// Hands over activation statistics; returns at once unless the buffer is full.
    public func record(_ rows: [ActivationStatRow]) {
        enqueue(rows.map(PendingRow.stat))
    }

    /// Hands over one batch's statistics and histograms together, so they commit in one
    /// transaction (a live reader sees a layer's batch whole).
    public func record(_ rows: [ActivationStatRow], histograms: [HistogramRow]) {
        enqueue(rows.map(PendingRow.stat) + histograms.map(PendingRow.histogram))
    }

    /// Hands over one histogram.
    public func record(_ row: HistogramRow) {
        enqueue([.histogram(row)])
    }

    /// Hands over one batch's loss and learning rate.
    public func record(_ row: BatchMetricRow) {
        enqueue([.batchMetric(row)])
    }

    /// Hands over one epoch's results.
    public func record(_ row: EpochMetricRow) {
        enqueue([.epochMetric(row)])
    }

    /// Hands over one training-health alert.
    public func record(_ row: AlertRow) {
        enqueue([.alert(row)])
    }

    private func enqueue(_ rows: [PendingRow]) {
        let outcome = buffer.append(rows) { scheduleFlushNow() }
        if outcome.shouldLogDrop {
            logger("stats writer: queue full (\(queuePolicy.capacity) rows), dropped \(outcome.dropped) oldest rows (\(outcome.totalDropped) in all)")
        }
        if outcome.flushNow { scheduleFlushNow() }
        if outcome.flushLater {
            let delay = DispatchTimeInterval.milliseconds(flushPolicy.maxDelayMilliseconds)
            queue.asyncAfter(deadline: .now() + delay) { [weak self] in self?.drain(for: .later) }
        }
    }

    func scheduleFlushNow() {
        queue.async { [weak self] in self?.drain(for: .now) }
    }

    /// Sets the one observer told of every commit (`StoreChange`), on the writer queue right after
    /// it; nil removes it. It must be quick: the writer commits nothing while it runs.
    public func observeChanges(_ observer: (@Sendable (StoreChange) -> Void)?) {
        state.withLock { $0.observer = observer }
    }

    var hasObserver: Bool { state.withLock { $0.observer != nil } }

    /// Tells the observer, if any; on the writer queue.
    func notify(_ change: @autoclosure () -> StoreChange) {
        guard let observer = state.withLock({ $0.observer }) else { return }
        observer(change())
    }

    // MARK: Status

    /// Rows committed so far.
    public var committedRows: Int { buffer.counts.committed }
    /// Changes whenever what a reader sees may have changed through this writer (rows committed,
    /// runs deleted); caches of rendered reads key on it.
    public var contentVersion: Int { committedRows + state.withLock { $0.runsDeleted } }
    /// Rows handed over that will never be committed: dropped when the queue was full, lost
    /// in a failed transaction, or handed over after a failure or `close()`.
    public var droppedRows: Int { buffer.counts.dropped }
    /// Rows handed over and not yet taken by the writer.
    public var pendingRows: Int { buffer.counts.waiting }
    /// The last write error, if any.
    public var lastError: StatsStoreError? { state.withLock { $0.lastError } }
    /// True after a write error under `.failRun`: the caller should fail the run.
    public var isFailed: Bool { state.withLock { $0.failed } }
    /// False after a write error (either policy) or `close()`: new rows are dropped.
    public var isRecording: Bool { state.withLock { $0.lastError == nil && !$0.closed } }

    // MARK: Flush and close

    /// Commits every row handed over before this call; returns when they are on disk (WAL), or
    /// after one more attempt while a transient failure is being retried (`isRetrying`: the
    /// rows stay queued; `flushWaitingOutRetries()` waits for the outcome instead).
    ///
    /// - Throws: the write error under `.failRun` once the writer has failed. Under
    ///   `.continueWithoutStats` it returns normally; lost rows show in `droppedRows`.
    public func flush() throws {
        queue.sync { drain(for: .caller) }
        let (error, failed) = state.withLock { ($0.lastError, $0.failed) }
        if failed, let error { throw error }
    }

    /// Commits what is waiting, then closes the connection; idempotent. Later rows are dropped.
    public func close() throws {
        try queue.sync {
            guard let db = connection else { return }
            drain(for: .caller)
            let unwritten = pendingRows
            state.withLock {
                $0.closed = true
                $0.retry = nil
            }
            if unwritten > 0 { logger("stats writer: closing \(path) with \(unwritten) rows that could not be written") }
            buffer.stopAccepting()
            cache?.removeAll()
            cache = nil
            connection = nil
            try Self.wrap { try db.close() }
        }
    }

    /// Leaves the failed state entered when a write failed for good (or the retry window
    /// closed), so that rows are accepted again: the daemon calls it when a new run starts, as
    /// the disk may have been freed since. A closed writer stays closed.
    public func clearFailure() {
        queue.sync {
            let cleared = state.withLock { s -> Bool in
                guard s.lastError != nil, !s.closed else { return false }
                s.lastError = nil
                s.failed = false
                s.retry = nil
                return true
            }
            if cleared {
                buffer.resumeAccepting()
                logger("stats writer: recording into \(path) again after an earlier write failure")
            }
        }
    }

    // MARK: Writer queue

    /// Commits every waiting row in one transaction. Runs on `queue` only.
    func drain(for taker: RowBuffer.Taker) {
        dispatchPrecondition(condition: .onQueue(queue))
        if taker == .retry { state.withLock { $0.retryScheduled = false } }
        // While a retry is pending only it and callers attempt: a timer's attempt would fail too.
        if taker == .now || taker == .later, isRetrying {
            buffer.release(taker)
            return
        }
        let rows = buffer.takeAll(for: taker)
        guard !rows.isEmpty else { return }
        guard let db = connection, let cache else {
            buffer.noteLost(rows.count)
            return
        }
        do {
            try db.transaction(.immediate) {
                try insert(rows, into: cache)
            }
            buffer.noteCommitted(rows.count)
            endRetry()
            notify(.rows(CommittedRows(rows)))
        } catch {
            if retryLater(rows, after: error) { return }
            buffer.noteLost(rows.count)
            fail(error, rows: rows.count)
        }
    }

    /// Enters the failure state: stops recording, logs once, keeps the file consistent
    /// (the failed transaction was rolled back, so the file holds only whole flushes).
    private func fail(_ error: Error, rows: Int) {
        let storeError = (error as? SQLiteError).map(StatsStoreError.sqlite)
            ?? (error as? StatsStoreError) ?? .invalidArgument("\(error)")
        let policy = errorPolicy
        state.withLock {
            $0.lastError = storeError
            $0.failed = policy == .failRun
            $0.retry = nil
        }
        // A retry that ran out of window leaves the buffer stalled; a later clearFailure() must
        // find it scheduling flushes and making producers wait for room again.
        buffer.setStalled(false)
        buffer.stopAccepting()
        let consequence = policy == .failRun ? "the run should fail" : "continuing without statistics"
        logger("stats writer: could not commit \(rows) rows to \(path): \(storeError); \(consequence)")
    }

    /// Runs `body` on the writer queue after committing waiting rows (lifecycle writes).
    func synchronously<T>(_ body: (Connection, StatementCache) throws -> T) throws -> T {
        try queue.sync {
            guard let db = connection, let cache else { throw StatsStoreError.writerClosed }
            drain(for: .caller)
            return try Self.wrap { try body(db, cache) }
        }
    }

    // MARK: Testing

    /// Stops the writer queue from running flushes (tests of the full-queue policy).
    func suspendForTesting() { queue.suspend() }

    /// Undoes `suspendForTesting`.
    func resumeForTesting() { queue.resume() }

    /// Runs `body` with the writer's connection, on its queue.
    func withConnectionForTesting<T>(_ body: (Connection) throws -> T) throws -> T {
        try queue.sync {
            guard let db = connection else { throw StatsStoreError.writerClosed }
            return try body(db)
        }
    }
}
