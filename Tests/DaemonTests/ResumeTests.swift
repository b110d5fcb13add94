import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Stopping the real daemon mid-epoch (SIGTERM, then kill -9) and starting it again: the run
/// resumes from its checkpoint and every hooked layer ends with exactly one row per batch.
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
        // The spec's hooks: closed at the resume batch R, re-opened there, closed at the end.
        let hooks = try second.client.get("/hooks?run=\(id)").json["hooks"] as? [[String: Any]] ?? []
        #expect(hooks.count == 2 * Specs.hookedByDefault.count)
        let resumedAt = try #require(hooks.first?["detached_batch"] as? Int)
        #expect(resumedAt >= 60 && resumedAt < Self.batchesPerEpoch, "stopped mid-epoch 0")
        #expect(hooks.prefix(5).allSatisfy { $0["attached_batch"] as? Int == 0 && $0["detached_batch"] as? Int == resumedAt })
        #expect(hooks.suffix(5).allSatisfy { $0["attached_batch"] as? Int == resumedAt && $0["detached_batch"] as? Int == total })
        #expect(second.log.contains("resumes at epoch 0 batch \(resumedAt)"))
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
        let hooks = try second.client.get("/hooks?run=\(id)").json["hooks"] as? [[String: Any]] ?? []
        let resumedAt = try #require(hooks.first?["detached_batch"] as? Int)
        #expect(resumedAt % 25 == 0 && resumedAt >= 100, "resumed at a periodic checkpoint, got \(resumedAt)")
        #expect(second.log.contains("resumes at epoch 0 batch \(resumedAt)"))
    }
}
