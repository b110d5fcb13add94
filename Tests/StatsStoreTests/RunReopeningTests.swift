import Foundation
import Testing

@testable import StatsStore

/// `StatsWriter.reopenRun` queues a failed or cancelled run again, and nothing else;
/// `reopenHooksClosedByRunEnd` opens exactly the hooks rows its end closed, not a client's.
@Suite struct RunReopeningTests {
    /// A run that trained, with one hook a client detached at batch 10 and two closed by the
    /// run's end at the same batch, ended with `status`.
    private func endedRun(_ writer: StatsWriter, status: RunStatus) throws -> (run: Int64, detached: Int64, closed: [Int64]) {
        let run = try writer.createRun(name: "r", spec: "{}")
        try writer.markRun(run, status: .running)
        let hook = { (path: String) in
            try writer.insertHook(HookRecord(runID: run, path: path, kind: .forward, stats: ["mean"], every: 1, attachedBatch: 0))
        }
        let detached = try hook("0"), closed = [try hook("1"), try hook("2")]
        try writer.markHookDetached(detached, atBatch: 10)
        for id in closed { try writer.markHookDetached(id, atBatch: 10, byRunEnd: true) }
        try writer.markRun(run, status: status, error: status == .failed ? "rank 1 died" : nil)
        return (run, detached, closed)
    }

    @Test(arguments: [RunStatus.failed, .cancelled])
    func aFailedOrCancelledRunIsQueuedAgainAndItsEndsHooksOpenWhenItTrains(status: RunStatus) throws {
        let dir = try TempDir()
        let writer = try StatsWriter(path: dir.path("stats.db"))
        defer { try? writer.close() }
        let (run, detached, closed) = try endedRun(writer, status: status)
        let reader = try StatsReader(path: dir.path("stats.db"))
        let before = try reader.run(run)
        #expect(before.finishedAt != nil && before.startedAt != nil)

        let reopened = try writer.reopenRun(run)
        #expect(reopened.status == .queued)
        #expect(reopened.error == nil && reopened.finishedAt == nil)
        #expect(reopened.startedAt == before.startedAt, "started_at says when it first trained")
        #expect(try reader.hooks(run: run).allSatisfy { $0.detachedBatch == 10 }, "hooks wait for the run to train")
        // Queued now, so a second request is refused, not a second resume.
        #expect(throws: StatsStoreError.runNotResumable(run, status: .queued)) { try writer.reopenRun(run) }

        try writer.reopenHooksClosedByRunEnd(run: run)
        let hooks = Dictionary(uniqueKeysWithValues: try reader.hooks(run: run).map { ($0.id, $0.detachedBatch) })
        #expect(hooks[detached] == 10, "the client's detach stands, though at the batch the run ended")
        for id in closed { #expect(hooks[id] == .some(nil), "hook \(id) records again") }
        try writer.reopenHooksClosedByRunEnd(run: run)
        #expect(try reader.hooks(run: run).filter { $0.detachedBatch == nil }.count == 2, "once")
    }

    @Test(arguments: [RunStatus.finished, .running, .interrupted])
    func noOtherRunIsResumable(status: RunStatus) throws {
        let dir = try TempDir()
        let writer = try StatsWriter(path: dir.path("stats.db"))
        defer { try? writer.close() }
        let (run, _, _) = try endedRun(writer, status: status)
        #expect(throws: StatsStoreError.runNotResumable(run, status: status)) { try writer.reopenRun(run) }
        #expect(try StatsReader(path: dir.path("stats.db")).run(run).status == status)
        #expect(throws: StatsStoreError.runNotFound(run + 1)) { try writer.reopenRun(run + 1) }
    }

    /// Files from before `closed_by_run_end`: a failed or cancelled run's rows closed at its last
    /// detach count as its end's; other runs' rows stay closed.
    @Test func migratingMarksTheRowsAnOlderFailedRunsEndClosed() throws {
        let dir = try TempDir()
        let path = dir.path("old.db")
        let db = try fileAtSchemaVersion(5, path: path)
        try db.execute("""
            INSERT INTO runs (id, name, spec, status) VALUES (1, 'failed', '{}', 'failed'), (2, 'finished', '{}', 'finished');
            INSERT INTO hooks (run_id, path, kind, stats, attached_batch, detached_batch) VALUES
                (1, '0', 'forward', '[]', 0, 4), (1, '1', 'forward', '[]', 0, 9), (2, '0', 'forward', '[]', 0, 9);
            """)
        try Schema.migrate(db)
        #expect(try db.scalarText("SELECT group_concat(id) FROM hooks WHERE closed_by_run_end = 1") == "2")
    }
}
