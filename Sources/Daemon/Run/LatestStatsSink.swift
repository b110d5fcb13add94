import HookKit

/// Keeps the latest statistics of every hooked layer of a run in `LiveState`, for `/metrics`
/// without touching SQLite.
///
/// An `ActivationStatsSink` on the training queue, once per recorded batch.
final class LatestStatsSink: ActivationStatsSink {
    private let runID: Int64
    private let live: LiveState

    init(runID: Int64, live: LiveState) {
        self.runID = runID
        self.live = live
    }

    func record(_ records: [ActivationRecord]) {
        live.update { s in
            if s.latestRunID != runID {
                s.latest = [:]
                s.latestRunID = runID
            }
            for r in records {
                s.latest["\(r.path)|\(r.kind.rawValue)"] = LatestStat(
                    path: r.path, kind: r.kind.rawValue, batch: r.batch, mean: r.summary.mean, std: r.summary.std,
                    nearZero: r.summary.nearZero)
            }
        }
    }
}
