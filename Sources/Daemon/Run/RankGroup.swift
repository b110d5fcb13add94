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
    /// - Throws: `SpecError` for a spec without a rank (the daemon does not assign ranks),
    ///   `TorchError` saying why the rendezvous failed (unreachable master, port in use,
    ///   another world size, the timeout).
    static func join(_ d: DistributedSpec, runID: Int64, live: LiveState, logger: Logger) throws -> ProcessGroup {
        guard let rank = d.rank else {
            throw SpecError(path: "$.train.distributed.rank", message: "is required by the daemon")
        }
        live.update { $0.progress[runID]?.phase = "rendezvous" }
        live.noteProgress()
        logger.info("run \(runID) joining its group as rank \(rank) of \(d.worldSize) at \(d.master) (timeout \(d.timeoutSeconds) s)")
        let alive = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "hookd.rendezvous"))
        alive.schedule(deadline: .now() + 1, repeating: 1)
        alive.setEventHandler { live.noteProgress() }
        alive.resume()
        defer { alive.cancel() }
        let group = try ProcessGroup(master: d.master, rank: rank, worldSize: d.worldSize, timeout: d.timeoutSeconds)
        live.update { $0.progress[runID]?.phase = "loading" }
        live.noteProgress()
        logger.info("run \(runID) joined: all \(d.worldSize) ranks are here")
        return group
    }
}
