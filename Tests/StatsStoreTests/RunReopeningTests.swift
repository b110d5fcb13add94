import Foundation
import Testing

@testable import StatsStore

/// `StatsWriter.reopenRun`: a failed or cancelled run is queued again with the hooks its end
/// closed open again; nothing else is resumable, and the check and the change are one step.
@Suite struct RunReopeningTests {
    /// A run that trained, had one hook detached by a client at batch 5 and two closed by its
    /// end at batch 10, and ended with `status`.
    private func endedRun(_ writer: StatsWriter, status: RunStatus) throws -> (run: Int64, detached: Int64, closed: [Int64]) {
        let run = try writer.createRun(name: "r", spec: "{}")
        try writer.markRun(run, status: .running)
        let hook = { (path: String) in
            try writer.insertHook(HookRecord(runID: run, path: path, kind: .forward, stats: ["mean"], every: 1, attachedBatch: 0))
        }
        let detached = try hook("0"), closed = [try hook("1"), try hook("2")]
        try writer.markHookDetached(detached, atBatch: 5)
        for id in closed { try writer.markHookDetached(id, atBatch: 10) }
        try writer.markRun(run, status: status, error: status == .failed ? "rank 1 died" : nil)
        return (run, detached, closed)
    }

    @Test(arguments: [RunStatus.failed, .cancelled])
    func aFailedOrCancelledRunIsQueuedAgainWithTheHooksItsEndClosedOpen(status: RunStatus) throws {
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
        let hooks = Dictionary(uniqueKeysWithValues: try reader.hooks(run: run).map { ($0.id, $0.detachedBatch) })
        #expect(hooks[detached] == 5, "the client's detach stands")
        for id in closed { #expect(hooks[id] == .some(nil), "hook \(id) records again") }
        // Queued now, so a second request is refused, not a second resume.
        #expect(throws: StatsStoreError.runNotResumable(run, status: .queued)) { try writer.reopenRun(run) }
    }

    @Test(arguments: [RunStatus.finished, .running, .interrupted])
    func noOtherRunIsResumable(status: RunStatus) throws {
        let dir = try TempDir()
        let writer = try StatsWriter(path: dir.path("stats.db"))
        defer { try? writer.close() }
        let (run, _, closed) = try endedRun(writer, status: status)
        #expect(throws: StatsStoreError.runNotResumable(run, status: status)) { try writer.reopenRun(run) }
        #expect(try StatsReader(path: dir.path("stats.db")).hooks(run: run).filter { closed.contains($0.id) }.allSatisfy { $0.detachedBatch == 10 })
        #expect(throws: StatsStoreError.runNotFound(run + 1)) { try writer.reopenRun(run + 1) }
    }
}
