import HookKit
import StatsStore
import Torch

/// The hooks open on a daemon run: each a stats hook, a hooks row, timing hooks (forward), and
/// an `OpenHook` in `LiveState` for handlers.
///
/// Training queue only; attached and detached at batch boundaries (`HookCommandApplier`).
final class LiveHooks {
    private let runID: Int64
    private unowned let job: TrainingJob
    private let recorder: StatsRecorder
    private let live: LiveState
    private let timer: HookTimer
    /// By hooks-table id: what handlers see, and the stats entry and timing hooks behind it.
    private var open: [Int64: (hook: OpenHook, entryID: Int, timers: [ModuleHookHandle])] = [:]

    init(runID: Int64, job: TrainingJob, recorder: StatsRecorder, live: LiveState, timer: HookTimer) {
        self.runID = runID
        self.job = job
        self.recorder = recorder
        self.live = live
        self.timer = timer
    }

    /// Attaches the run's hooks through `attach`, so every live hook is timed and listed alike.
    ///
    /// Without `reopening` rows (a fresh run, or a resumed one stopped before its hooks rows
    /// were written) the spec's hooks are attached at `batch`, each under a new hooks row. A
    /// resumed run gets the hooks that were open when it stopped, under their old rows: same id
    /// and `attached_batch`, so ids clients hold keep working across restarts
    /// (`DELETE /hooks/{id}`). Hooks detached before the stop (spec hooks included) stay detached.
    ///
    /// Reusing a row loses and duplicates no statistic: rows are keyed by run, layer, kind and
    /// batch, not by hook, and the checkpoint never points past committed rows, so the batches
    /// re-trained from `batch` on replace what they find. After `kill -9`, a hook attached after
    /// the last checkpoint also records the re-trained batches before its `attached_batch`.
    func install(reopening rows: [HookRecord], atBatch batch: Int) throws {
        let fromSpec = job.stats.entries.map { ($0.path, $0.kind, job.requestedStats[$0.id] ?? [], $0.every) }
        for entry in job.stats.entries { job.stats.detach(id: entry.id) }
        if rows.isEmpty {
            for (path, kind, stats, every) in fromSpec {
                _ = try attach(path: path, kind: kind, stats: stats, every: every, atBatch: batch)
            }
        }
        for row in rows where row.detachedBatch == nil {
            _ = try attach(path: row.path, kind: row.kind,
                           stats: row.stats.compactMap(HookSpec.Stat.init(rawValue:)), every: Int(row.every),
                           atBatch: batch, reopening: row)
        }
    }

    /// Hooks `path` from `batch` on, timed (forward only) for `/metrics`.
    ///
    /// Inserts a hooks row attached at `batch`, or with `reopening`, takes over that open row
    /// of a resumed run (its id and attach batch) instead.
    ///
    /// - Throws: `SpecError` for a path the model does not have; the writer's errors.
    func attach(path: String, kind: HookKind, stats: [HookSpec.Stat], every: Int, atBatch batch: Int,
                reopening row: HookRecord? = nil) throws -> OpenHook {
        guard !path.isEmpty, let module = job.model.module(at: path) else {
            throw SpecError(path: "$.layer", message: "unknown module path \"\(path)\"")
        }
        let attachStats = { try self.job.attach(path: path, kind: kind, stats: stats, every: every) }
        let (entry, timers) = kind == .forward ? try timer.timing(module, attachStats) : (try attachStats(), [])
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
        live.update { $0.openHooks[id] = hook }
        return hook
    }

    /// Why a new hook on `path` in direction `kind` for `stats` must not attach: an open hook
    /// there already records one of them (`.exists`, see `HookClaims`), or `limit` hooks are
    /// open (`.limitReached`); nil if it may.
    func refusal(path: String, kind: HookKind, stats: [HookSpec.Stat], limit: Int) -> HookOutcome? {
        if let twin = open.values.first(where: { $0.hook.path == path && $0.hook.kind == kind && stats.shared(with: $0.hook.stats) != nil }) {
            return .exists(twin.hook)
        }
        return open.count >= limit ? .limitReached(limit) : nil
    }

    /// Detaches hook `id` at `batch` (it records nothing from there on); nil when it is not open.
    func detach(_ id: Int64, atBatch batch: Int) throws -> OpenHook? {
        guard let (hook, entryID, timers) = open.removeValue(forKey: id) else { return nil }
        job.stats.detach(id: entryID)
        for timer in timers { timer.remove() }
        try recorder.hookDetached(entryID: entryID, atBatch: batch)
        live.update { _ = $0.openHooks.removeValue(forKey: id) }
        return hook
    }
}
