import Foundation
import StatsStore

/// Deletes ended runs for good: their rows in the stats file, then their directories under
/// `<state_directory>/runs` (checkpoint, summary). Behind `hookd prune` and `stats.keep_runs`.
public enum RunRetention {
    /// Deletes `ids` (all or none of their rows, see `StatsWriter.deleteRuns`), then their
    /// directories when `runsDirectory` is given. Rows go first: a failure can leave an orphan
    /// directory, never a listed run whose checkpoint is gone.
    ///
    /// - Throws: `StatsStoreError.runNotFound` / `.runNotEnded` (nothing deleted), file-system errors.
    public static func delete(_ ids: [Int64], writer: StatsWriter, runsDirectory: URL?) throws {
        guard !ids.isEmpty else { return }
        try writer.deleteRuns(ids)
        guard let runsDirectory else { return }
        for id in ids {
            let directory = runsDirectory.appendingPathComponent(String(id))
            if FileManager.default.fileExists(atPath: directory.path) { try FileManager.default.removeItem(at: directory) }
        }
    }
}
