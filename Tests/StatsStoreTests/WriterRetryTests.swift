import CSQLite
import Foundation
import Testing

@testable import StatsStore

/// `RetryPolicy`: a full disk that frees up within the window loses nothing; one that does not
/// ends in the error policy; producers never wait on a writer that cannot write.
///
/// The "disk" is the real file capped with `PRAGMA max_page_count`, which makes SQLite fail a
/// commit with SQLITE_FULL exactly as a full filesystem does, and can be lifted again.
@Suite struct WriterRetryTests {
    /// A writer with 100 rows committed whose file is then capped a page above its size.
    private func cappedWriter(in dir: TempDir, policy: StatsErrorPolicy = .failRun, retry: RetryPolicy,
                              queue: QueuePolicy = QueuePolicy(), log: LogSink) throws -> (StatsWriter, Int64) {
        let writer = try StatsWriter(path: dir.path("stats.db"), flushPolicy: FlushPolicy(maxRows: 500, maxDelayMilliseconds: 60_000),
                                     queuePolicy: queue, onError: policy, retry: retry, logger: log.logger)
        let run = try writer.createRun(name: "retry", spec: "{}")
        writer.record(statRows(run: run, batches: 0..<100))
        try writer.flush()
        try setCap(writer, pagesAboveSize: 1)
        return (writer, run)
    }

    /// Retries far enough apart that no background attempt races the test's own.
    private let callerOnly = RetryPolicy(windowMilliseconds: 60_000, firstDelayMilliseconds: 30_000)

    @Test func aDiskThatFreesUpWithinTheWindowLosesNoRow() throws {
        let dir = try TempDir()
        let log = LogSink()
        let (writer, run) = try cappedWriter(in: dir, retry: callerOnly, log: log)
        writer.record(statRows(run: run, batches: 100..<5_100))
        // One attempt fails: the rows stay queued and the run is not failed.
        try writer.flush()
        #expect(writer.isRetrying)
        #expect(!writer.isFailed && writer.isRecording && writer.lastError == nil)
        #expect(writer.committedRows == 100)
        #expect(writer.pendingRows == 5_000)
        // Training goes on while the disk is full.
        writer.record(statRows(run: run, batches: 5_100..<6_100))
        #expect(writer.pendingRows == 6_000)

        try setCap(writer, pagesAboveSize: nil)
        try writer.flushWaitingOutRetries()
        #expect(!writer.isRetrying)
        #expect(writer.committedRows == 6_100 && writer.droppedRows == 0)
        #expect(try rowCount(dir.path("stats.db"), "activation_stats") == 6_100)
        #expect(log.all.contains { $0.contains("database or disk is full") && $0.contains("retrying") })
        #expect(log.all.contains { $0.contains("recovered") })
        // The writer is back to normal: new rows flush as before.
        writer.record(statRows(run: run, batches: 6_100..<6_110))
        try writer.flush()
        #expect(writer.committedRows == 6_110)
        try writer.close()
    }

    @Test func theBackgroundRetryCommitsWithoutACaller() throws {
        let dir = try TempDir()
        let log = LogSink()
        let (writer, run) = try cappedWriter(in: dir, retry: RetryPolicy(windowMilliseconds: 60_000, firstDelayMilliseconds: 20,
                                                                          maxDelayMilliseconds: 50), log: log)
        writer.record(statRows(run: run, batches: 100..<5_100))
        try writer.flush()
        #expect(writer.isRetrying)
        try setCap(writer, pagesAboveSize: nil)
        #expect(eventually(within: 10) { writer.committedRows == 5_100 })
        #expect(eventually(within: 1) { !writer.isRetrying })
        try writer.close()
    }

    @Test(arguments: [StatsErrorPolicy.failRun, .continueWithoutStats])
    func aDiskThatStaysFullEndsInTheErrorPolicy(policy: StatsErrorPolicy) throws {
        let dir = try TempDir()
        let log = LogSink()
        let (writer, run) = try cappedWriter(in: dir, policy: policy,
                                             retry: RetryPolicy(windowMilliseconds: 300, firstDelayMilliseconds: 20), log: log)
        writer.record(statRows(run: run, batches: 100..<5_100))
        let started = Date()
        if policy == .failRun {
            let error = #expect(throws: StatsStoreError.self) { try writer.flushWaitingOutRetries() }
            guard case .sqlite(let sqlite)? = error else {
                Issue.record("expected an SQLite error, got \(String(describing: error))")
                return
            }
            #expect(sqlite.code == SQLITE_FULL)
            #expect(writer.isFailed)
        } else {
            try writer.flushWaitingOutRetries()
            #expect(!writer.isFailed)
        }
        #expect(Date().timeIntervalSince(started) >= 0.3)
        #expect(!writer.isRetrying && !writer.isRecording)
        #expect(writer.committedRows + writer.droppedRows == 5_100)
        try writer.close()
        #expect(try rowCount(dir.path("stats.db"), "activation_stats") == 100)
    }

    @Test func whileRetryingTheOldestRowsBeyondCapacityGoAndProducersDoNotWait() throws {
        let dir = try TempDir()
        let log = LogSink()
        // Producers would wait up to 2 s for room on a writer that can write; not on this one.
        let (writer, run) = try cappedWriter(in: dir, retry: callerOnly,
                                             queue: QueuePolicy(capacity: 1_000, blockMilliseconds: 2_000), log: log)
        writer.record(statRows(run: run, batches: 100..<1_100))
        try writer.flush()
        #expect(writer.isRetrying)
        let started = Date()
        for chunk in 0..<20 {
            let first = Int64(1_100 + chunk * 100)
            writer.record(statRows(run: run, batches: first..<(first + 100)))
        }
        #expect(Date().timeIntervalSince(started) < 2, "a producer waited for room the retrying writer cannot make")
        #expect(writer.pendingRows == 1_000)

        try setCap(writer, pagesAboveSize: nil)
        try writer.flushWaitingOutRetries()
        #expect(writer.committedRows == 1_100 && writer.droppedRows == 2_000)
        // The newest rows survived: batches 2,100..<3,100 besides the first 100.
        #expect(try rowCount(dir.path("stats.db"), "activation_stats", where: "batch >= 2100") == 1_000)
        try writer.close()
    }

    @Test func errorsInTheSQLOrTheFileAreNotRetried() {
        let full = SQLiteError(code: SQLITE_FULL, message: "database or disk is full")
        let ioerr = SQLiteError(code: SQLITE_IOERR, extendedCode: 778, message: "disk I/O error")
        let constraint = SQLiteError(code: SQLITE_CONSTRAINT, message: "NOT NULL constraint failed")
        let corrupt = SQLiteError(code: SQLITE_CORRUPT, message: "database disk image is malformed")
        #expect(full.isTransient && ioerr.isTransient)
        #expect(!constraint.isTransient && !corrupt.isTransient)
        #expect(RetryPolicy(firstDelayMilliseconds: 100, maxDelayMilliseconds: 5_000).delayMilliseconds(afterAttempt: 1) == 100)
        #expect(RetryPolicy(firstDelayMilliseconds: 100, maxDelayMilliseconds: 5_000).delayMilliseconds(afterAttempt: 4) == 800)
        #expect(RetryPolicy(firstDelayMilliseconds: 100, maxDelayMilliseconds: 5_000).delayMilliseconds(afterAttempt: 99) == 5_000)
    }

    @Test func deletingARunDropsTheRowsARetryStillHoldsForIt() throws {
        let dir = try TempDir()
        let log = LogSink()
        let (writer, run) = try cappedWriter(in: dir, retry: callerOnly, log: log)
        let other = try writer.createRun(name: "other", spec: "{}")
        try writer.markRun(run, status: .failed, error: "disk full")
        writer.record(statRows(run: run, batches: 100..<5_100))
        writer.record(statRows(run: other, batches: 0..<10))
        try writer.flush()
        #expect(writer.isRetrying && writer.pendingRows == 5_010)

        try writer.deleteRuns([run])
        #expect(writer.pendingRows == 10)
        try setCap(writer, pagesAboveSize: nil)
        try writer.flushWaitingOutRetries()
        // No orphan rows for the deleted run; the other run's rows landed; the dropped are counted.
        #expect(try rowCount(dir.path("stats.db"), "activation_stats", where: "run_id = \(run)") == 0)
        #expect(try rowCount(dir.path("stats.db"), "activation_stats", where: "run_id = \(other)") == 10)
        #expect(writer.droppedRows == 5_000)
        try writer.close()
    }
}
