import Dispatch
import Foundation
import HookKit
import StatsStore
import Torch

/// The daemon's part of the training loop: applies queued hook commands at batch boundaries,
/// publishes progress and latest statistics to `LiveState`, and writes periodic checkpoints.
///
/// Runs on the training queue only (as a learner callback and stats sink).
final class SessionCallback: LearnerCallback, ActivationStatsSink {
    private let core: DaemonCore
    private let runID: Int64
    private unowned let job: TrainingJob
    private let recorder: StatsRecorder
    private let checkpointURL: URL
    /// Live hooks: hooks-table id → what handlers see, and the entry and timing hooks behind it.
    private var open: [Int64: (hook: OpenHook, entryID: Int, timers: [ModuleHookHandle])] = [:]
    private var timerStart: UInt64 = 0
    private var hookNanos: UInt64 = 0
    private var epochStart = DispatchTime.now()
    private var epochImages = 0

    init(core: DaemonCore, runID: Int64, job: TrainingJob, recorder: StatsRecorder, checkpoint: URL) {
        self.core = core
        self.runID = runID
        self.job = job
        self.recorder = recorder
        self.checkpointURL = checkpoint
    }

    // MARK: Hooks

    /// Attaches the run's hooks through `attach`, so every live hook is timed and listed alike.
    ///
    /// A fresh run gets the spec's hooks, each under a new hooks row. A resumed run gets the
    /// hooks that were open when it stopped, under their old rows: same id and `attached_batch`,
    /// so ids clients hold keep working across restarts (`DELETE /hooks/{id}`). Hooks detached
    /// before the stop (spec hooks included) stay detached. A resumed run with no hooks rows
    /// (stopped before they were written) starts like a fresh one.
    ///
    /// Reusing a row loses and duplicates no statistic: rows are keyed by run, layer, kind and
    /// batch, not by hook, and the checkpoint never points past committed rows, so the batches
    /// re-trained from `start` on replace what they find. After `kill -9`, a hook attached after
    /// the last checkpoint also records the re-trained batches before its `attached_batch`.
    func installHooks(resumingAt start: TrainingPosition?) throws {
        let fromSpec = job.stats.entries.map { ($0.path, $0.kind, job.requestedStats[$0.id] ?? [], $0.every) }
        for entry in job.stats.entries { job.stats.detach(id: entry.id) }
        let batch = start?.iteration ?? 0
        let rows = start == nil ? [] : try core.reader.hooks(run: runID)
        if rows.isEmpty {
            for (path, kind, stats, every) in fromSpec {
                _ = try attach(path: path, kind: kind, stats: stats, every: every, atBatch: batch)
            }
        }
        for row in rows where row.detachedBatch == nil {
            _ = try attach(path: row.path, kind: row.kind == .forward ? .forward : .backward,
                           stats: row.stats.compactMap(HookSpec.Stat.init(rawValue:)), every: Int(row.every),
                           atBatch: batch, reopening: row)
        }
    }

    /// Hooks `path` from `batch` on, bracketed by two timing hooks (forward only) for `/metrics`.
    ///
    /// Inserts a hooks row attached at `batch`, or with `reopening`, takes over that open row
    /// of a resumed run (its id and attach batch) instead.
    private func attach(path: String, kind: HookKind, stats: [HookSpec.Stat], every: Int, atBatch batch: Int,
                        reopening row: HookRecord? = nil) throws -> OpenHook {
        guard !path.isEmpty, let module = job.model.module(at: path) else {
            throw SpecError(path: "$.layer", message: "unknown module path \"\(path)\"")
        }
        var timers: [ModuleHookHandle] = []
        // Forward hooks run in registration order, so these two enclose exactly the stats hook.
        if kind == .forward {
            timers.append(module.registerForwardHook { [unowned self] _, _, _ in
                timerStart = DispatchTime.now().uptimeNanoseconds
                return nil
            })
        }
        let entry = try job.attach(path: path, kind: kind, stats: stats, every: every)
        if kind == .forward {
            timers.append(module.registerForwardHook { [unowned self] _, _, _ in
                hookNanos &+= DispatchTime.now().uptimeNanoseconds &- timerStart
                return nil
            })
        }
        let id: Int64
        if let row {
            recorder.hookReopened(entry, id: row.id)
            id = row.id
        } else {
            id = try recorder.hookAttached(entry, stats: stats, atBatch: batch)
        }
        let attachedBatch = row.map { Int($0.attachedBatch) } ?? batch
        let hook = OpenHook(id: id, runID: runID, path: path, kind: kind, stats: stats, every: entry.every, attachedBatch: attachedBatch)
        open[id] = (hook, entry.id, timers)
        core.live.update { $0.openHooks[id] = hook }
        return hook
    }

    private func detach(_ id: Int64, atBatch batch: Int) throws -> OpenHook? {
        guard let (hook, entryID, timers) = open.removeValue(forKey: id) else { return nil }
        job.stats.detach(id: entryID)
        for timer in timers { timer.remove() }
        try recorder.hookDetached(entryID: entryID, atBatch: batch)
        core.live.update { _ = $0.openHooks.removeValue(forKey: id) }
        return hook
    }

    /// Detaches every live hook at `batch` (the run ended: finished or cancelled).
    func closeHooks(atBatch batch: Int) throws {
        for id in open.keys.sorted() { _ = try detach(id, atBatch: batch) }
    }

    /// Applies every queued command for this run; `batch` is the batch about to train.
    private func applyCommands(atBatch batch: Int) {
        for command in core.hookCommands.take(forRun: runID) {
            let outcome: HookOutcome
            switch command.action {
            case let .attach(layer, kind, stats, every):
                do {
                    outcome = .attached(try attach(path: layer, kind: kind, stats: stats, every: every, atBatch: batch))
                } catch is SpecError {
                    outcome = .unknownLayer(layer)
                } catch {
                    outcome = .failed("\(error)")
                }
            case .detach(let hookID):
                do {
                    outcome = try detach(hookID, atBatch: batch).map { .detached($0, batch: batch) } ?? .unknownHook(hookID)
                } catch {
                    outcome = .failed("\(error)")
                }
            }
            command.ticket.complete(outcome)
            if case .attached(let h) = outcome { core.logger.info("run \(runID): hook \(h.id) on \(h.path) (\(h.kind)) from batch \(batch)") }
            if case .detached(let h, _) = outcome { core.logger.info("run \(runID): hook \(h.id) on \(h.path) detached at batch \(batch)") }
        }
    }

    // MARK: Checkpoints

    /// Commits every stats row handed over so far, then saves the checkpoint: a checkpoint never
    /// points past statistics that are not on disk, so a crash loses no row for good. While the
    /// writer retries a failed commit (disk full) the checkpoint is skipped: the previous one
    /// stays valid, since re-trained batches replace their rows.
    func checkpoint(at position: TrainingPosition) throws {
        try core.writer.flush()
        if core.writer.isRetrying {
            core.logger.warning("run \(runID): checkpoint at batch \(position.iteration) skipped: stats rows are not on disk yet")
            return
        }
        try job.saveCheckpoint(to: checkpointURL, position: position)
        try core.writer.setCheckpoint(runID, path: checkpointURL.path)
    }

    // MARK: LearnerCallback

    func beginEpoch(_ learner: Learner) throws {
        epochStart = .now()
        epochImages = 0
        core.live.update { s in
            s.progress[runID]?.epoch = learner.position.epoch
            s.progress[runID]?.phase = "training"
        }
        core.live.noteProgress()
    }

    func beginBatch(_ learner: Learner) throws {
        applyCommands(atBatch: learner.position.iteration)
    }

    func endBatch(_ learner: Learner) throws {
        if core.writer.isFailed, let error = core.writer.lastError { throw error }
        let p = learner.position
        let images = min(learner.data.train.options.batchSize, learner.data.train.data.count)
        epochImages += images
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - epochStart.uptimeNanoseconds) / 1e9
        let nanos = hookNanos
        hookNanos = 0
        core.live.update { s in
            s.progress[runID]?.epoch = p.epoch
            s.progress[runID]?.batch = p.batch + 1
            s.progress[runID]?.iteration = p.iteration + 1
            s.progress[runID]?.loss = learner.lastLoss
            s.progress[runID]?.learningRate = learner.optimizer.learningRate
            s.progress[runID]?.imagesPerSecond = seconds > 0 ? Double(epochImages) / seconds : nil
            s.batchesTotal += 1
            s.imagesTotal += Int64(images)
            s.hookSeconds += Double(nanos) / 1e9
            s.lastProgressNanos = DispatchTime.now().uptimeNanoseconds
        }
        let every = core.config.checkpointEveryBatches
        if every > 0, (p.iteration + 1) % every == 0 {
            try checkpoint(at: TrainingPosition(epoch: p.epoch, batch: p.batch + 1, iteration: p.iteration + 1))
        }
    }

    func beginValidate(_ learner: Learner) throws {
        core.live.update { $0.progress[runID]?.phase = "validating" }
        core.live.noteProgress()
    }

    func endEpoch(_ learner: Learner, metrics: EpochMetrics) throws {
        core.live.update { s in
            s.progress[runID]?.validLoss = metrics.validLoss
            s.progress[runID]?.accuracy = metrics.accuracy
            s.progress[runID]?.imagesPerSecond = metrics.imagesPerSecond
        }
        core.live.noteProgress()
        let p = learner.position
        try checkpoint(at: TrainingPosition(epoch: p.epoch + 1, batch: 0, iteration: p.iteration))
    }

    // MARK: ActivationStatsSink

    func record(_ records: [ActivationRecord]) {
        core.live.update { s in
            if s.latestRunID != runID {
                s.latest = [:]
                s.latestRunID = runID
            }
            // Several hooks on one layer each add what they computed to the batch's values.
            for r in records where !r.summary.values.computed.isEmpty {
                let key = "\(r.path)|\(r.kind.rawValue)"
                var values = r.summary.values
                if let previous = s.latest[key], previous.batch == r.batch {
                    values = previous.values
                    values.merge(r.summary.values)
                }
                s.latest[key] = LatestStat(path: r.path, kind: r.kind.rawValue, batch: r.batch, values: values)
            }
        }
    }
}
