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
