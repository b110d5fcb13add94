import CSQLite
import Foundation
import Testing
@testable import StatsStore
import Statistics

@Suite("StatsWriter")
struct WriterTests {
    @Test("commits exactly the rows handed over, with their values")
    func commitsExactRows() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path, flushPolicy: FlushPolicy(maxRows: 64, maxDelayMilliseconds: 10))
        let run = try writer.createRun(name: "exact", spec: "{\"name\":\"exact\"}")
        let rows = statRows(run: run, batches: 0..<1000)
        for chunk in stride(from: 0, to: rows.count, by: 7) {
            writer.record(Array(rows[chunk..<min(chunk + 7, rows.count)]))
        }
        writer.record(BatchMetricRow(runID: run, batch: 999, epoch: 9, loss: 0.25, lr: 0.003))
        writer.record(EpochMetricRow(runID: run, epoch: 9, trainLoss: 0.3, validLoss: nil, accuracy: 0.9, seconds: 12.5))
        writer.record(HistogramRow(runID: run, path: "0.0", kind: .forward, batch: 999, epoch: 9, counts: [1, 0, 41]))
        try writer.flush()
        #expect(writer.committedRows == 1003)
        #expect(writer.droppedRows == 0)
        try writer.close()

        let reader = try StatsReader(path: path)
        let series = try reader.stats(run: run, layer: "0.0")
        #expect(series.batch == Array(0..<1000))
        for statistic in [Statistic.mean, .std, .min, .max] { #expect(series[statistic] == rows.map { $0[statistic] }) }
        #expect(try rowCount(path, "activation_stats") == 1000)
        #expect(try reader.batchMetrics(run: run) == [BatchMetricRow(runID: run, batch: 999, epoch: 9, loss: 0.25, lr: 0.003)])
        #expect(try reader.epochMetrics(run: run) == [
            EpochMetricRow(runID: run, epoch: 9, trainLoss: 0.3, validLoss: nil, accuracy: 0.9, seconds: 12.5),
        ])
        #expect(try reader.histograms(run: run, layer: "0.0").map(\.counts) == [[1, 0, 41]])
        // The committed batch metric also moved the run's progress columns.
        let record = try reader.run(run)
        #expect(record.batch == 999 && record.epoch == 9)
    }

    @Test("flushes when the row threshold is reached, not before")
    func flushByRows() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path, flushPolicy: FlushPolicy(maxRows: 100, maxDelayMilliseconds: 60_000))
        let run = try writer.createRun(name: "rows", spec: "{}")
        writer.record(statRows(run: run, batches: 0..<99))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try rowCount(path, "activation_stats") == 0)
        writer.record(statRows(run: run, batches: 99..<100))
        #expect(try eventually(within: 5) { try rowCount(path, "activation_stats") == 100 })
        try writer.close()
    }

    @Test("flushes after the delay even when few rows wait")
    func flushByTime() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path, flushPolicy: FlushPolicy(maxRows: 1_000_000, maxDelayMilliseconds: 400))
        let run = try writer.createRun(name: "time", spec: "{}")
        let start = Date()
        writer.record(statRows(run: run, batches: 0..<10))
        #expect(try rowCount(path, "activation_stats") == 0)
        #expect(try eventually(within: 5) { try rowCount(path, "activation_stats") == 10 })
        #expect(Date().timeIntervalSince(start) >= 0.35)
        try writer.close()
    }

    @Test("a full queue blocks briefly, then drops the oldest rows and counts them")
    func dropOldest() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let log = LogSink()
        let writer = try StatsWriter(path: path, flushPolicy: FlushPolicy(maxRows: 1_000_000, maxDelayMilliseconds: 60_000),
                                     queuePolicy: QueuePolicy(capacity: 100, blockMilliseconds: 20), logger: log.logger)
        let run = try writer.createRun(name: "drop", spec: "{}")
        // A stalled writer (a slow disk): nothing leaves the buffer.
        writer.suspendForTesting()
        let start = Date()
        for b in Int64(0)..<250 { writer.record(statRows(run: run, batches: b..<(b + 1))) }
        let elapsed = Date().timeIntervalSince(start)
        #expect(writer.droppedRows == 150)
        #expect(writer.pendingRows == 100)
        // It did wait for room (20 ms on each of 150 full calls would be 3 s; at least one wait happened),
        // and it never waited unboundedly.
        #expect(elapsed >= 0.02 && elapsed < 30)
        writer.resumeForTesting()
        try writer.flush()
        #expect(writer.committedRows == 100)
        try writer.close()
        // The newest 100 survive: batches 150..<250.
        let series = try StatsReader(path: path).stats(run: run, layer: "0.0")
        #expect(series.batch == Array(150..<250))
        #expect(log.all.contains { $0.contains("dropped") && $0.contains("oldest") })
    }

    @Test("a producer blocked on a full queue proceeds without dropping once the writer drains")
    func blockThenProceed() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path, flushPolicy: FlushPolicy(maxRows: 1_000_000, maxDelayMilliseconds: 60_000),
                                     queuePolicy: QueuePolicy(capacity: 50, blockMilliseconds: 5_000))
        let run = try writer.createRun(name: "block", spec: "{}")
        // The writer is free: a full buffer asks it to drain, and the producer waits for that.
        for b in Int64(0)..<500 { writer.record(statRows(run: run, batches: b..<(b + 1))) }
        try writer.flush()
        #expect(writer.droppedRows == 0)
        #expect(writer.committedRows == 500)
        try writer.close()
    }

    @Test("lifecycle writes: runs, modules, hooks")
    func lifecycle() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path)
        let run = try writer.createRun(name: "fashion-cnn", spec: "{\"epochs\":1}")
        try writer.insertModules([
            ModuleRecord(path: "0.0", type: "Conv2d", outputShape: [16, 14, 14], params: 160, trainable: true),
            ModuleRecord(path: "0.2", type: "BatchNorm2d", outputShape: [16, 14, 14], params: 32, trainable: false),
        ], runID: run)
        let hook = try writer.insertHook(HookRecord(runID: run, path: "0.0", kind: .backward, stats: ["mean", "std"],
                                                    every: 2, attachedBatch: 5))
        try writer.setStarted(run)
        try writer.markHookDetached(hook, atBatch: 40)
        try writer.setCheckpoint(run, path: "/var/lib/hookd/1.pt")
        try writer.setFinished(run, status: .failed, error: "diverged")
        #expect(throws: StatsStoreError.runNotFound(42)) { try writer.markRun(42, status: .running) }
        try writer.close()
        #expect(throws: StatsStoreError.writerClosed) { try writer.createRun(name: "late", spec: "{}") }

        let reader = try StatsReader(path: path)
        let record = try reader.run(run)
        #expect(record.name == "fashion-cnn" && record.spec == "{\"epochs\":1}")
        #expect(record.status == .failed && record.error == "diverged")
        #expect(record.startedAt != nil && record.finishedAt != nil)
        #expect(record.createdAt.hasSuffix("Z") && record.createdAt.count == 24)
        #expect(record.checkpointPath == "/var/lib/hookd/1.pt")
        #expect(try reader.modules(run: run).map(\.outputShape) == [[16, 14, 14], [16, 14, 14]])
        #expect(try reader.modules(run: run).map(\.trainable) == [true, false])
        #expect(try Connection(path: path).scalarText("SELECT output_shape FROM modules WHERE path = '0.0'") == "[16,14,14]")
        #expect(try reader.hooks(run: run) == [
            HookRecord(id: hook, runID: run, path: "0.0", kind: .backward, stats: ["mean", "std"], every: 2,
                       attachedBatch: 5, detachedBatch: 40),
        ])
    }

    @Test("lifecycle writes come after the rows handed over before them")
    func lifecycleOrdering() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path, flushPolicy: FlushPolicy(maxRows: 1_000_000, maxDelayMilliseconds: 60_000))
        let run = try writer.createRun(name: "order", spec: "{}")
        writer.record(statRows(run: run, batches: 0..<10))
        try writer.setFinished(run)
        #expect(try rowCount(path, "activation_stats") == 10)
        try writer.close()
    }

    @Test("disk full (max_page_count) fails the writer clearly and leaves the file intact", arguments: [
        StatsErrorPolicy.failRun, .continueWithoutStats,
    ])
    func diskFull(policy: StatsErrorPolicy) throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let log = LogSink()
        let writer = try StatsWriter(path: path, flushPolicy: FlushPolicy(maxRows: 500, maxDelayMilliseconds: 60_000),
                                     onError: policy, retry: .none, logger: log.logger)
        let run = try writer.createRun(name: "full", spec: "{}")
        writer.record(statRows(run: run, batches: 0..<100))
        try writer.flush()
        #expect(writer.committedRows == 100)
        // Cap the file at its current size plus a few pages: the next big flush cannot fit.
        try setCap(writer, pagesAboveSize: 2)
        writer.record(statRows(run: run, batches: 100..<20_100))
        if policy == .failRun {
            let error = #expect(throws: StatsStoreError.self) { try writer.flush() }
            guard case .sqlite(let sqlite) = error else {
                Issue.record("expected an SQLite error, got \(String(describing: error))")
                return
            }
            #expect(sqlite.code == SQLITE_FULL)
            #expect(sqlite.description.contains("database or disk is full"))
            #expect(writer.isFailed)
        } else {
            try writer.flush()
            #expect(!writer.isFailed)
        }
        #expect(writer.lastError != nil)
        #expect(!writer.isRecording)
        #expect(log.all.contains { $0.contains("database or disk is full") })
        // Rows after the failure are counted, not written; nothing handed over is unaccounted for.
        writer.record(statRows(run: run, batches: 30_000..<30_010))
        #expect(writer.committedRows + writer.droppedRows == 20_110)
        try writer.close()

        let db = try Connection(path: path)
        #expect(try db.scalarText("PRAGMA integrity_check") == "ok")
        #expect(try db.scalarInt("SELECT count(*) FROM activation_stats") == 100)
    }
}
