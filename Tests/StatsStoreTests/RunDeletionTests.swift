import Foundation
import Testing

@testable import StatsStore

/// Schema v2: deleting a run (through hookd or plain SQL) removes every row it owns, ended runs
/// only are deleted by the writer, and run ids are never handed out twice.
@Suite struct RunDeletionTests {
    /// A run named `name` with rows in every per-run table, ended with `status`.
    private func populatedRun(_ writer: StatsWriter, name: String, status: RunStatus) throws -> Int64 {
        let run = try writer.createRun(name: name, spec: "{}")
        try writer.insertModules([ModuleRecord(path: "0.0", type: "Conv2d", outputShape: [4, 4, 4], params: 40, trainable: true)], runID: run)
        _ = try writer.insertHook(HookRecord(runID: run, path: "0.0", kind: .forward, stats: ["mean"], every: 1, attachedBatch: 0))
        writer.record(statRows(run: run, batches: 0..<50))
        writer.record(HistogramRow(runID: run, path: "0.0", kind: .forward, batch: 0, epoch: 0, lo: 0, hi: 10, counts: [1, 2]))
        writer.record(BatchMetricRow(runID: run, batch: 0, epoch: 0, loss: 1, lr: 0.1))
        writer.record(EpochMetricRow(runID: run, epoch: 0, trainLoss: 1, validLoss: 1, accuracy: 0.5, seconds: 1))
        writer.record(AlertRow(runID: run, rule: "exploding", path: "0.0", kind: "forward", batch: 0, epoch: 0,
                               value: 300, threshold: 200, action: "warn", message: "exploding"))
        try writer.markRun(run, status: status)
        return run
    }

    private static let perRunTables = ["modules", "hooks", "activation_stats", "histograms", "batch_metrics", "epoch_metrics", "alerts"]

    private func rowsOwned(by run: Int64, in path: String) throws -> Int64 {
        try Self.perRunTables.reduce(0) { $0 + (try rowCount(path, $1, where: "run_id = \(run)")) }
    }

    @Test func deletingEndedRunsRemovesEveryRowTheyOwnAndNothingElse() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path)
        let finished = try populatedRun(writer, name: "a", status: .finished)
        let failed = try populatedRun(writer, name: "b", status: .failed)
        let kept = try populatedRun(writer, name: "c", status: .cancelled)
        try writer.flush()
        #expect(try rowsOwned(by: finished, in: path) == 56)

        try writer.deleteRuns([finished, failed])
        #expect(try rowCount(path, "runs") == 1)
        #expect(try rowsOwned(by: finished, in: path) == 0 && rowsOwned(by: failed, in: path) == 0)
        #expect(try rowsOwned(by: kept, in: path) == 56)
        try writer.close()
    }

    @Test func plainSQLDeletesCascadeToo() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path)
        let run = try populatedRun(writer, name: "a", status: .finished)
        try writer.close()
        // What an offline user types in sqlite3.
        try Connection(path: path).execute("DELETE FROM runs WHERE id = \(run)")
        #expect(try rowsOwned(by: run, in: path) == 0)
    }

    @Test(arguments: [RunStatus.queued, .running, RunStatus(rawValue: "interrupted")])
    func runsThatMayStillTrainAreNotDeleted(status: RunStatus) throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path)
        let ended = try populatedRun(writer, name: "ended", status: .finished)
        let live = try populatedRun(writer, name: "live", status: status)
        // All or nothing: the ended run in the same call survives the refusal too.
        #expect(throws: StatsStoreError.runNotEnded(live, status: status)) { try writer.deleteRuns([ended, live]) }
        #expect(throws: StatsStoreError.runNotFound(99)) { try writer.deleteRuns([99]) }
        #expect(try rowCount(path, "runs") == 2)
        #expect(try rowsOwned(by: ended, in: path) == 56)
        try writer.close()
    }

    @Test func retentionKeepsTheRunsThatEndedLastNotTheHighestIDs() {
        func run(_ id: Int64, _ status: RunStatus, finished: String?) -> RunRecord {
            RunRecord(id: id, name: "r\(id)", spec: "{}", status: status, createdAt: "2026-01-01T00:00:0\(id).000Z", finishedAt: finished)
        }
        let runs = [
            run(1, .finished, finished: "2026-01-01T01:00:00.000Z"),
            run(2, .failed, finished: "2026-01-01T02:00:00.000Z"),
            run(3, RunStatus(rawValue: "interrupted"), finished: nil),
            // Queued after run 4 started and cancelled while waiting: it ended before run 4.
            run(5, .cancelled, finished: "2026-01-01T03:00:00.000Z"),
            run(4, .finished, finished: "2026-01-01T09:00:00.000Z"),
            run(6, .queued, finished: nil),
        ]
        #expect(RetentionPlan.runsToDelete(keeping: 1, of: runs) == [1, 2, 5])
        #expect(RetentionPlan.runsToDelete(keeping: 2, of: runs) == [1, 2])
        #expect(RetentionPlan.runsToDelete(keeping: 4, of: runs) == [])
        #expect(RetentionPlan.runsToDelete(keeping: 0, of: runs) == [1, 2, 4, 5])
    }

    @Test func aRunLargerThanOneDeletionChunkGoesCompletelyAndRepeatedIDsAreFine() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path)
        let big = try writer.createRun(name: "big", spec: "{}")
        let rows = StatsWriter.deletionChunk * 2 + 17
        writer.record(statRows(run: big, batches: 0..<Int64(rows)))
        try writer.markRun(big, status: .finished)
        try writer.deleteRuns([big, big])
        #expect(try rowCount(path, "activation_stats") == 0)
        #expect(try rowCount(path, "runs") == 0)
        try writer.close()
    }

    @Test func deletedRunAndHookIDsAreNeverHandedOutAgain() throws {
        let dir = try TempDir()
        let writer = try StatsWriter(path: dir.path("stats.db"))
        _ = try populatedRun(writer, name: "a", status: .finished)
        let newest = try populatedRun(writer, name: "b", status: .finished)
        let newestHook = try writer.insertHook(HookRecord(runID: newest, path: "0.0", kind: .forward, stats: ["mean"], every: 1, attachedBatch: 0))
        try writer.deleteRuns([newest])
        let next = try writer.createRun(name: "c", spec: "{}")
        #expect(next == newest + 1)
        #expect(try writer.insertHook(HookRecord(runID: next, path: "0.0", kind: .forward, stats: ["mean"], every: 1, attachedBatch: 0)) == newestHook + 1)
        try writer.close()
    }

    @Test func aVersion1FileKeepsItsRunsAndIdsWhenMigrated() throws {
        let dir = try TempDir()
        let path = dir.path("v1.db")
        let db = try fileAtSchemaVersion(1, path: path)
        try db.execute("""
            INSERT INTO runs (id, name, spec, status, started_at, epoch, batch, checkpoint_path)
                VALUES (3, 'old', '{"x":1}', 'finished', '2026-01-01T00:00:00.000Z', 1, 99, '/ckpt');
            INSERT INTO activation_stats (run_id, path, kind, batch, epoch, mean) VALUES (3, '0.0', 'forward', 0, 0, 1.5);
            INSERT INTO hooks (id, run_id, path, kind, stats, attached_batch) VALUES (8, 3, '0.0', 'forward', '["mean"]', 0);
            CREATE VIEW finished_runs AS SELECT id, name FROM runs WHERE status = 'finished';
            """)
        try db.close()

        let writer = try StatsWriter(path: path)
        let reader = try StatsReader(path: path)
        let run = try reader.run(3)
        #expect(run.name == "old" && run.spec == #"{"x":1}"# && run.status == .finished)
        #expect(run.startedAt == "2026-01-01T00:00:00.000Z" && run.batch == 99 && run.checkpointPath == "/ckpt")
        #expect(try writer.createRun(name: "new", spec: "{}") == 4)
        #expect(try reader.hooks(run: 3).map(\.id) == [8])
        // An offline user's view on runs survives the table's rebuild.
        #expect(try Connection(path: path, flags: [.readOnly]).scalarText("SELECT name FROM finished_runs") == "old")
        try writer.deleteRuns([3])
        #expect(try rowCount(path, "activation_stats") == 0)
        try writer.close()
    }
}
