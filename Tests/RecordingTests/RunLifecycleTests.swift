import Daemon
import Dispatch
import Foundation
import HookKit
import StatsStore
import Testing

/// The one run lifecycle, through `hookd train`'s participant: status, times and hook rows as
/// the daemon leaves them, and no row lost to a write retry at the end of a run.
@Suite("Run lifecycle")
struct RunLifecycleTests {
    private let hooks = #"[{"modules": "params"}, {"modules": ["1.0"], "kind": "backward"}]"#

    /// Records `job` through the lifecycle as run 1 of `file`; returns its status and the file.
    private func record(_ job: TrainingJob, into file: StatsFile) throws -> (status: RunStatus, reader: StatsReader, runID: Int64) {
        let writer = try StatsWriter(path: file.path)
        let runID = try writer.createRun(name: job.spec.name, spec: job.spec.json)
        let status = try RunLifecycle(writer: writer, runID: runID).run(job)
        try writer.close()
        return (status, try StatsReader(path: file.path), runID)
    }

    @Test func aFinishedRunStartedAfterItsBuildAndClosedEveryHookRow() throws {
        let file = StatsFile()
        defer { file.remove() }
        let job = try TrainingJob(spec: try recordingSpec(epochs: 1, hooks: hooks))
        let (status, reader, runID) = try record(job, into: file)
        #expect(status == .finished)
        let run = try reader.run(runID)
        #expect(run.startedAt != nil && run.finishedAt != nil && run.error == nil)
        let rows = try reader.hooks(run: runID)
        #expect(rows.count == job.stats.entries.count && !rows.isEmpty)
        // detached_batch is the first batch not recorded: one past the last.
        #expect(rows.allSatisfy { $0.attachedBatch == 0 && $0.detachedBatch == Int64(job.data.train.batchCount) }, "\(rows)")
    }

    @Test func anInterruptedRunKeepsItsHooksOpenForItsResume() throws {
        let file = StatsFile()
        defer { file.remove() }
        let job = try TrainingJob(spec: try recordingSpec(epochs: 2, hooks: hooks))
        job.learner.callbacks.append(AtBatchEnd { if $0.position.iteration == 4 { $0.stopSignal.request() } })
        let (status, reader, runID) = try record(job, into: file)
        #expect(status == .interrupted)
        let run = try reader.run(runID)
        #expect(run.status == .interrupted && run.startedAt != nil && run.finishedAt == nil)
        #expect(try reader.hooks(run: runID).allSatisfy { $0.detachedBatch == nil })
        #expect(try reader.batchMetrics(run: runID).count == 5)
    }

    @Test func aRunWhoseJobCannotBeBuiltFailsWithoutEverStarting() throws {
        let file = StatsFile()
        defer { file.remove() }
        let writer = try StatsWriter(path: file.path)
        let runID = try writer.createRun(name: "unbuildable", spec: "{}")
        struct NoData: Error, CustomStringConvertible { var description: String { "no data at /nowhere" } }
        #expect(throws: NoData.self) {
            try RunLifecycle(writer: writer, runID: runID).run(build: { throw NoData() }, participant: StandaloneRun())
        }
        try writer.close()
        let run = try StatsReader(path: file.path).run(runID)
        #expect(run.status == .failed && run.error == "no data at /nowhere")
        #expect(run.startedAt == nil && run.finishedAt != nil)
    }

    /// A participant that calls an error the stop itself (the daemon's data-parallel rank whose
    /// peer stopped first) gets the status it names: no error text, and an interrupted run keeps
    /// its hooks open for its resume; a cancelled one closes them after the failed batch.
    @Test(arguments: [RunStatus.interrupted, .cancelled])
    func anErrorThatIsTheStopEndsTheRunAsTheParticipantSays(_ outcome: RunStatus) throws {
        struct PeerStopped: Error {}
        struct Stopping: RunParticipant {
            let outcome: RunStatus
            func status(failingWith error: any Error) -> RunStatus { error is PeerStopped ? outcome : .failed }
        }
        let file = StatsFile()
        defer { file.remove() }
        let writer = try StatsWriter(path: file.path)
        let job = try TrainingJob(spec: try recordingSpec(epochs: 2, hooks: hooks))
        let runID = try writer.createRun(name: job.spec.name, spec: job.spec.json)
        job.learner.callbacks.append(AtBatchEnd { if $0.position.iteration == 3 { throw PeerStopped() } })
        #expect(try RunLifecycle(writer: writer, runID: runID).run(job, participant: Stopping(outcome: outcome)) == outcome)
        try writer.close()
        let reader = try StatsReader(path: file.path)
        let run = try reader.run(runID)
        #expect(run.status == outcome && run.error == nil)
        let detached = try reader.hooks(run: runID).map(\.detachedBatch)
        #expect(detached.allSatisfy { $0 == (outcome == .interrupted ? nil : 4) }, "\(detached)")
    }

    /// A run that fails while the disk is full waits out the retry: the disk frees up, every
    /// row the retry held lands, and only then is the run marked failed (its hooks closed).
    @Test func aFailingRunWaitsOutAWriteRetryAndLosesNoRow() throws {
        let file = StatsFile()
        defer { file.remove() }
        let writer = try StatsWriter(path: file.path, flushPolicy: FlushPolicy(maxRows: 1, maxDelayMilliseconds: 1),
                                     retry: RetryPolicy(windowMilliseconds: 60_000, firstDelayMilliseconds: 20, maxDelayMilliseconds: 50))
        let runID = try writer.createRun(name: "full disk", spec: "{}")
        // Histograms on every layer: rows big enough to need new pages within a few batches.
        let all = #"[{"modules": "all", "stats": ["mean", "std", "histogram"]}]"#
        let job = try TrainingJob(spec: try recordingSpec(epochs: 1, hooks: all), keepStatsInMemory: false)
        struct Diverged: Error, CustomStringConvertible { var description: String { "diverged at batch 6" } }
        var retryingAtFailure = false
        job.learner.callbacks.append(AtBatchEnd { learner in
            if learner.position.iteration == 0 { try fillDisk(writer) }
            guard learner.position.iteration == 6 else { return }
            try writer.flush()
            retryingAtFailure = writer.isRetrying
            // The disk frees up while the end of the run waits.
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(300)) { try? freeDisk(writer) }
            throw Diverged()
        })
        #expect(throws: Diverged.self) { try RunLifecycle(writer: writer, runID: runID).run(job) }
        #expect(retryingAtFailure)
        #expect(writer.pendingRows == 0 && writer.droppedRows == 0)
        try writer.close()
        let reader = try StatsReader(path: file.path)
        let run = try reader.run(runID)
        #expect(run.status == .failed && run.error == "diverged at batch 6")
        // Batches 0...6 recorded their statistics (the callback threw after them), 0...5 their loss.
        #expect(try reader.stats(run: runID, layer: "0.0", kind: .forward).batch == Array(0...6))
        #expect(try reader.batchMetrics(run: runID).map(\.batch) == Array(0...5))
        // Batch 6 may have recorded statistics: its hooks end after it.
        #expect(try reader.hooks(run: runID).allSatisfy { $0.detachedBatch == 7 })
    }
}
