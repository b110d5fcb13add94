import Foundation
import HookKit
import Logging
import StatsStore
import Testing

@testable import Daemon

/// The daemon's parts of a run, each on its own over a real job, a real stats file and a real
/// `LiveState`: hook commands at batch boundaries, live progress, latest statistics, checkpoints.
@Suite struct RunPartsTests {
    /// A 4-batch job (default hooks: leaves with parameters) recorded as run `runID` into a fresh file.
    final class Bench {
        let directory: TempDirectory
        let writer: StatsWriter
        let runID: Int64
        let job: TrainingJob
        let recorder: StatsRecorder
        let live = LiveState()
        let timer = HookTimer()
        let hooks: LiveHooks

        init() throws {
            directory = try TempDirectory()
            writer = try StatsWriter(path: directory.path("stats.sqlite"))
            let spec = try RunSpec.parse(Data(Specs.synthetic(name: "parts", batches: 4).utf8))
            runID = try writer.createRun(name: spec.name, spec: spec.json)
            job = try TrainingJob(spec: spec, defaultThreads: 1, keepStatsInMemory: false)
            recorder = StatsRecorder(writer: writer, runID: runID, job: job)
            hooks = LiveHooks(runID: runID, job: job, recorder: recorder, live: live, timer: timer)
            live.update { $0.progress[runID] = RunProgress(runID: runID, status: .running) }
        }

        deinit {
            try? writer.close()
            directory.remove()
        }
    }

    @Test func hookCommandsApplyAtTheBatchBoundaryTheyReach() throws {
        let b = try Bench()
        try b.hooks.install(reopening: [], atBatch: 0)
        let commands = HookCommandQueue()
        let attach = commands.enqueue(.attach(layer: "0.2", kind: .forward, stats: [.scalar(.mean)], every: 1), runID: b.runID)
        let unknown = commands.enqueue(.attach(layer: "9.9", kind: .forward, stats: [.scalar(.mean)], every: 1), runID: nil)
        let other = commands.enqueue(.detach(hookID: 1), runID: b.runID + 1)
        var detach: HookCommand?
        b.job.learner.callbacks.append(HookCommandApplier(runID: b.runID, commands: commands, hooks: b.hooks, maxHooks: 256, logger: Logger(label: "test")))
        b.job.learner.callbacks.append(AtEndOfBatch { learner in
            guard learner.position.iteration == 1, case .attached(let hook)? = attach.ticket.result else { return }
            detach = commands.enqueue(.detach(hookID: hook.id), runID: b.runID)
        })
        try b.job.train()

        guard case .attached(let hook)? = attach.ticket.result else { Issue.record("\(String(describing: attach.ticket.result))"); return }
        #expect(hook.attachedBatch == 0 && hook.path == "0.2")
        #expect(unknown.ticket.result == .unknownLayer("9.9"))
        #expect(detach?.ticket.result == .detached(hook, batch: 2))
        #expect(other.ticket.result == nil && commands.pending.count == 1)
        #expect(b.live.snapshot.openHooks[hook.id] == nil && b.live.snapshot.openHooks.count == Specs.hookedByDefault.count)
        try b.writer.flush()
        let reader = try StatsReader(path: b.directory.path("stats.sqlite"))
        #expect(try reader.stats(run: b.runID, layer: "0.2", kind: .forward).batch == [0, 1])
        #expect(try reader.hooks(run: b.runID).first { $0.id == hook.id }?.detachedBatch == 2)
    }

    @Test func theLoopRefusesRepeatedAndSurplusAttachesThatPassedTheHandler() throws {
        let b = try Bench()
        try b.hooks.install(reopening: [], atBatch: 0)
        let commands = HookCommandQueue()
        let attach = { (layer: String) in commands.enqueue(.attach(layer: layer, kind: .forward, stats: [.scalar(.mean)], every: 1), runID: b.runID) }
        let (first, twin, spec, surplus) = (attach("0.2"), attach("0.2"), attach("0.0"), attach("1.2"))
        let limit = Specs.hookedByDefault.count + 1
        HookCommandApplier(runID: b.runID, commands: commands, hooks: b.hooks, maxHooks: limit, logger: Logger(label: "test")).apply(atBatch: 0)

        guard case .attached(let hook)? = first.ticket.result else { Issue.record("\(String(describing: first.ticket.result))"); return }
        #expect(twin.ticket.result == .exists(hook))
        guard case .exists(let specHook)? = spec.ticket.result else { Issue.record("\(String(describing: spec.ticket.result))"); return }
        #expect(specHook.path == "0.0" && specHook.id != hook.id)
        #expect(surplus.ticket.result == .limitReached(limit))
        #expect(b.live.snapshot.openHooks.count == limit)
    }

    @Test func liveProgressAndLatestStatsFollowTheRun() throws {
        let b = try Bench()
        try b.hooks.install(reopening: [], atBatch: 0)
        b.job.learner.callbacks.append(LiveProgress(runID: b.runID, live: b.live, timer: b.timer))
        b.job.stats.sinks.append(LatestStatsSink(runID: b.runID, live: b.live))
        try b.job.train()
        let s = b.live.snapshot
        let progress = try #require(s.progress[b.runID])
        #expect(progress.batch == 4 && progress.iteration == 4 && progress.phase == "validating")
        #expect(progress.loss?.isFinite == true && progress.accuracy != nil && progress.imagesPerSecond ?? 0 > 0)
        #expect(s.batchesTotal == 4 && s.imagesTotal == 64 && s.hookSeconds > 0)
        #expect(s.latestRunID == b.runID)
        #expect(Set(s.latest.values.map(\.path)) == Set(Specs.hookedByDefault) && s.latest.values.allSatisfy { $0.batch == 3 })
    }

    @Test func checkpointsComeEveryNBatchesAndAtTheEpochEndAfterTheirRows() throws {
        let b = try Bench()
        let url = b.directory.url.appendingPathComponent("checkpoint.ckpt")
        let checkpoints = PeriodicCheckpoints(runID: b.runID, job: b.job, writer: b.writer, url: url, everyBatches: 3,
                                              logger: Logger(label: "test"))
        var saved: [Int] = []
        b.job.learner.callbacks += [checkpoints, AtEndOfBatch { learner in
            // A callback after the checkpoints' (as the health rules are) records at batch 3's end…
            if learner.position.iteration == 2 {
                b.writer.record(BatchMetricRow(runID: b.runID, batch: 1000, epoch: 0, loss: 1, lr: 0.1))
            }
        }, AtBeginOfBatch { learner in
            // …and the checkpoint due then, written as batch 4 begins, holds position 3 with
            // every row of batches 0...2 committed, that one too.
            if learner.position.iteration == 3 {
                saved.append(try b.job.restoreCheckpoint(from: url).iteration)
                saved.append(b.writer.pendingRows)
            }
        }]
        try b.job.train()
        #expect(saved == [3, 0])
        let restored = try b.job.restoreCheckpoint(from: url)
        #expect(restored == TrainingPosition(epoch: 1, batch: 0, iteration: 4))
        let reader = try StatsReader(path: b.directory.path("stats.sqlite"))
        #expect(try reader.run(b.runID).checkpointPath == url.path)
    }
}

/// A learner callback that runs `body` at the end of every training batch.
final class AtEndOfBatch: LearnerCallback {
    private let body: (Learner) throws -> Void
    init(_ body: @escaping (Learner) throws -> Void) { self.body = body }
    func endBatch(_ learner: Learner) throws { try body(learner) }
}

/// A learner callback that runs `body` at the start of every training batch.
final class AtBeginOfBatch: LearnerCallback {
    private let body: (Learner) throws -> Void
    init(_ body: @escaping (Learner) throws -> Void) { self.body = body }
    func beginBatch(_ learner: Learner) throws { try body(learner) }
}
