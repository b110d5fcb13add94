import Foundation
import Testing

@testable import StatsStore

/// After a failure that ended a run, the next run records again once the disk has room.
@Suite struct WriterFailureRecoveryTests {
    @Test(arguments: [StatsErrorPolicy.failRun, .continueWithoutStats])
    func clearingAFailureAcceptsRowsAgain(policy: StatsErrorPolicy) throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path, flushPolicy: FlushPolicy(maxRows: 500, maxDelayMilliseconds: 60_000),
                                     onError: policy, retry: .none, logger: LogSink().logger)
        let run = try writer.createRun(name: "full", spec: "{}")
        try setCap(writer, pagesAboveSize: 1)
        writer.record(statRows(run: run, batches: 0..<5_000))
        _ = try? writer.flush()
        #expect(!writer.isRecording)
        writer.record(statRows(run: run, batches: 5_000..<5_010))
        #expect(writer.pendingRows == 0, "a failed writer must not queue rows it will never write")

        try setCap(writer, pagesAboveSize: nil)
        writer.clearFailure()
        #expect(writer.isRecording && !writer.isFailed && writer.lastError == nil)
        let next = try writer.createRun(name: "next", spec: "{}")
        writer.record(statRows(run: next, batches: 0..<100))
        try writer.flush()
        #expect(try rowCount(path, "activation_stats", where: "run_id = \(next)") == 100)
        try writer.close()
        // A closed writer stays closed.
        writer.clearFailure()
        #expect(!writer.isRecording)
    }

    @Test func afterARetryWindowClosedTheNextRunFlushesOnItsOwnAgain() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path, flushPolicy: FlushPolicy(maxRows: 1_000_000, maxDelayMilliseconds: 20),
                                     retry: RetryPolicy(windowMilliseconds: 200, firstDelayMilliseconds: 20), logger: LogSink().logger)
        let run = try writer.createRun(name: "full", spec: "{}")
        try setCap(writer, pagesAboveSize: 1)
        writer.record(statRows(run: run, batches: 0..<5_000))
        #expect(throws: StatsStoreError.self) { try writer.flushWaitingOutRetries() }

        try setCap(writer, pagesAboveSize: nil)
        writer.clearFailure()
        let next = try writer.createRun(name: "next", spec: "{}")
        writer.record(statRows(run: next, batches: 0..<100))
        // No flush() here: the 20 ms timer must commit them, as it did before the failure.
        #expect(eventually(within: 10) { writer.committedRows == 100 })
        #expect(!writer.isRetrying)
        try writer.close()
    }
}
