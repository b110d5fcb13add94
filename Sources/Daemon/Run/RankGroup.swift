import Dispatch
import Foundation
import HookKit
import Logging
import Torch

/// The daemon's side of a data-parallel run's rendezvous: joins the process group its
/// `train.distributed` names, on the training queue, when the run starts.
///
/// The join blocks the training queue for at most `timeout_seconds` (libtorch's store gives no
/// way to abandon it sooner): a cancel or SIGTERM meanwhile takes effect when it returns,
/// joined or timed out (`RunSession.status(failingWith:)`), so the daemon never waits longer.
/// Waiting for peers is not a hang: the join notes progress every second, or systemd's watchdog
/// (`WatchdogSec=120`) would restart a daemon whose rendezvous waits its default 300 s.
enum RankGroup {
    /// Joins the group, showing phase `rendezvous` on `GET /runs/{id}` while it waits.
    ///
    /// A spec without a rank takes the one the rendezvous assigns (rank 0 for the daemon on the
    /// master's host, the others in arrival order).
    ///
    /// - Throws: `TorchError` saying why the rendezvous failed (unreachable master, port in use,
    ///   another world size, one process too many, the timeout).
    static func join(_ d: DistributedSpec, runID: Int64, live: LiveState, logger: Logger) throws -> ProcessGroup {
        live.update { $0.progress[runID]?.phase = "rendezvous" }
        live.noteProgress()
        let asRank = d.rank.map { "as rank \($0)" } ?? "for a rank assigned at the rendezvous"
        logger.info("run \(runID) joining its group \(asRank) of \(d.worldSize) at \(d.master) (timeout \(d.timeoutSeconds) s)")
        let alive = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "hookd.rendezvous"))
        alive.schedule(deadline: .now() + 1, repeating: 1)
        alive.setEventHandler { live.noteProgress() }
        alive.resume()
        defer { alive.cancel() }
        let group = try ProcessGroup(master: d.master, rank: d.rank, worldSize: d.worldSize, timeout: d.timeoutSeconds)
        live.update { $0.progress[runID]?.phase = "loading" }
        live.noteProgress()
        logger.info("run \(runID) joined as rank \(group.rank): all \(d.worldSize) ranks are here")
        return group
    }
}
