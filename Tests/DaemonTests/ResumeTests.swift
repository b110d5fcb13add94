import Foundation
import StatsStore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Stopping the real daemon mid-epoch (SIGTERM, then kill -9) and starting it again: the run
/// resumes from its checkpoint, every hooked layer ends with exactly one row per batch, and
/// open hooks keep their ids.
@Suite(.serialized) struct ResumeTests {
    static let batchesPerEpoch = 600

    @Test func sigtermCheckpointsAndTheRunResumes() throws {
        // No periodic checkpoints: the one written at SIGTERM is the only way to resume mid-epoch.
        let fixture = try DaemonFixture(training: #""checkpoint_every_batches": 0"#)
        let first = try fixture.start()
        let id = try first.submit(Specs.synthetic(name: "sigterm", epochs: 2, batches: Self.batchesPerEpoch))
        try first.waitForRun(id) { ($0["global_batch"] as? Int ?? 0) >= 60 }
        #expect(first.stop(signal: SIGTERM) == 0, "\(first.log)")
        #expect(first.log.contains("run \(id) interrupted"))

        let second = try fixture.start()
        defer { second.stop() }
        let final = try second.waitForRun(id, timeout: 120) { $0["status"] as? String == "finished" }
        #expect(final["accuracy"] is Double)
        let total = 2 * Self.batchesPerEpoch
        for layer in Specs.hookedByDefault {
            #expect(try second.statBatches(run: id, layer: layer) == Array(0..<total), "layer \(layer)")
        }
        let resumedAt = second.resumedBatch(run: id)
        #expect(resumedAt >= 60 && resumedAt < Self.batchesPerEpoch, "stopped mid-epoch 0")
        // The spec's hooks span the restart in their own rows: attached at 0, closed at the end.
        let hooks = try second.hooks(run: id)
        #expect(hooks.count == Specs.hookedByDefault.count)
        #expect(hooks.allSatisfy { $0["attached_batch"] as? Int == 0 && $0["detached_batch"] as? Int == total })
    }

    @Test func killNineResumesFromTheLastPeriodicCheckpoint() throws {
        let fixture = try DaemonFixture(training: #""checkpoint_every_batches": 25"#)
        let first = try fixture.start()
        let id = try first.submit(Specs.synthetic(name: "kill9", epochs: 1, batches: Self.batchesPerEpoch))
        try first.waitForRun(id) { ($0["global_batch"] as? Int ?? 0) >= 120 }
        #expect(first.stop(signal: SIGKILL) == -SIGKILL)

        let second = try fixture.start()
        defer { second.stop() }
        try second.waitForRun(id, timeout: 120) { $0["status"] as? String == "finished" }
        for layer in Specs.hookedByDefault {
            #expect(try second.statBatches(run: id, layer: layer) == Array(0..<Self.batchesPerEpoch), "layer \(layer)")
        }
        let resumedAt = second.resumedBatch(run: id)
        #expect(resumedAt % 25 == 0 && resumedAt >= 100, "resumed at a periodic checkpoint, got \(resumedAt)")
        let hooks = try second.hooks(run: id)
        #expect(hooks.count == Specs.hookedByDefault.count)
        #expect(hooks.allSatisfy { $0["attached_batch"] as? Int == 0 && $0["detached_batch"] as? Int == Self.batchesPerEpoch })
    }

    /// A client holds the id `POST /hooks` gave it; after a SIGTERM restart that id is still the
    /// hook's: listed, detachable, one row in `hooks`, and its layer's rows have no gap at the restart.
    @Test func aHookAttachedOverHTTPKeepsItsIDAcrossARestart() throws {
        let fixture = try DaemonFixture(training: #""checkpoint_every_batches": 0"#)
        let first = try fixture.start()
        let id = try first.submit(Specs.synthetic(name: "hook-ids", epochs: 2, batches: Self.batchesPerEpoch))
        try first.waitForRun(id) { ($0["global_batch"] as? Int ?? 0) >= 20 }
        // 0.2 is a ReLU the spec does not hook: its rows come from this hook alone.
        let attach = try first.client.post("/hooks", json: #"{"layer":"0.2","stats":["mean","std"]}"#)
        #expect(attach.status == 201, "\(attach.text)")
        let hookID = try #require(attach.json["id"] as? Int)
        let attachedAt = try #require(attach.json["attached_batch"] as? Int)
        try first.waitForRun(id) { ($0["global_batch"] as? Int ?? 0) >= attachedAt + 20 }
        #expect(first.stop(signal: SIGTERM) == 0, "\(first.log)")

        let second = try fixture.start()
        defer { second.stop() }
        let resumedAt = second.resumedBatch(run: id)
        #expect(resumedAt >= attachedAt + 20)
        // Past the resume batch, the hooks are installed and a batch has trained with them.
        try second.waitForRun(id) { ($0["global_batch"] as? Int ?? 0) > resumedAt }
        let listed = try second.hooks(run: id)
        #expect(listed.count == Specs.hookedByDefault.count + 1)
        let hook = try #require(listed.first { $0["id"] as? Int == hookID }, "hook \(hookID) not listed: \(listed)")
        #expect(hook["layer"] as? String == "0.2")
        #expect(hook["attached_batch"] as? Int == attachedAt)
        #expect(hook["detached_batch"] is NSNull)
        #expect(hook["active"] as? Bool == true)

        let detach = try second.client.delete("/hooks/\(hookID)")
        #expect(detach.status == 200, "\(detach.text)")
        let detachedAt = try #require(detach.json["detached_batch"] as? Int)
        #expect(detachedAt >= resumedAt)
        try second.waitForRun(id, timeout: 120) { $0["status"] as? String == "finished" }
        #expect(try second.statBatches(run: id, layer: "0.2") == Array(attachedAt..<detachedAt))

        // The file itself: the restart added no hooks row, and this one spans it.
        let rows = try StatsReader(path: fixture.databasePath).hooks(run: Int64(id))
        #expect(rows.count == Specs.hookedByDefault.count + 1)
        #expect(rows.filter { $0.path == "0.2" } == [
            HookRecord(id: Int64(hookID), runID: Int64(id), path: "0.2", kind: .forward, stats: ["mean", "std"],
                       attachedBatch: Int64(attachedAt), detachedBatch: Int64(detachedAt)),
        ])
    }

    /// `POST /runs/{id}/resume` queues a cancelled run again from its last periodic checkpoint;
    /// a restart while it waits behind another run still resumes it (it trained before), and it
    /// ends with one row per batch in its old hooks rows. Only failed or cancelled runs resume.
    @Test func aCancelledRunResumesOverHTTPFromItsLastCheckpoint() throws {
        let fixture = try DaemonFixture(training: #""checkpoint_every_batches": 25"#)
        let first = try fixture.start()
        let id = try first.submit(Specs.synthetic(name: "resumed", epochs: 1, batches: Self.batchesPerEpoch))
        try first.waitForRun(id) { ($0["global_batch"] as? Int ?? 0) >= 120 }
        #expect(try first.client.delete("/runs/\(id)").status == 202)
        try first.waitForRun(id) { $0["status"] as? String == "cancelled" }
        let hooksBefore = try first.hooks(run: id)

        // Queued behind a long run, then the daemon stops before it trains.
        let blocker = try first.submit(Specs.synthetic(name: "blocker", epochs: 100, batches: Self.batchesPerEpoch))
        try first.waitForRun(blocker) { $0["status"] as? String == "running" }
        let resume = try first.client.post("/runs/\(id)/resume", json: "")
        #expect(resume.status == 202, "\(resume.text)")
        #expect(resume.json["status"] as? String == "queued")
        #expect((resume.json["resumes_from"] as? String ?? "").hasSuffix("runs/\(id)/checkpoint.ckpt"), "\(resume.text)")
        let again = try first.client.post("/runs/\(id)/resume", json: "")
        #expect(again.status == 409 && again.text.contains("run_not_resumable"), "\(again.text)")
        #expect(first.stop(signal: SIGTERM) == 0, "\(first.log)")
        #expect(try StatsReader(path: fixture.databasePath).run(Int64(id)).status == .queued)

        let second = try fixture.start()
        defer { second.stop() }
        try second.waitForRun(blocker) { $0["status"] as? String == "running" }
        #expect(try second.client.delete("/runs/\(blocker)").status == 202)
        let final = try second.waitForRun(id, timeout: 120) { $0["status"] as? String == "finished" }
        #expect(final["error"] is NSNull)
        let resumedAt = second.resumedBatch(run: id)
        #expect(resumedAt % 25 == 0 && resumedAt >= 100, "resumed at a periodic checkpoint, got \(resumedAt)")
        for layer in Specs.hookedByDefault {
            #expect(try second.statBatches(run: id, layer: layer) == Array(0..<Self.batchesPerEpoch), "layer \(layer)")
        }
        let hooks = try second.hooks(run: id)
        #expect(hooks.map { $0["id"] as? Int } == hooksBefore.map { $0["id"] as? Int }, "the same hooks rows")
        #expect(hooks.allSatisfy { $0["attached_batch"] as? Int == 0 && $0["detached_batch"] as? Int == Self.batchesPerEpoch })

        let finished = try second.client.post("/runs/\(id)/resume", json: "")
        #expect(finished.status == 409 && finished.text.contains("is finished"), "\(finished.text)")
        #expect(try second.client.post("/runs/999/resume", json: "").status == 404)
    }
}
