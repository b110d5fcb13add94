/// Deleting runs: ended ones only, with every row they own, a bounded number of rows per
/// transaction so that another writer of the file (the daemon, while `hookd prune` runs) never
/// waits long for the lock, and a full disk never needs room for one huge transaction.
extension StatsWriter {
    /// Rows deleted per transaction.
    static let deletionChunk = 20_000

    /// Per-run tables and the key columns (after `run_id`) that pick a chunk of their rows.
    static let perRunTables: [(table: String, key: String)] = [
        ("activation_stats", "path, kind, rank, batch"), ("histograms", "module, kind, rank, batch"),
        ("batch_metrics", "rank, batch"), ("epoch_metrics", "epoch"), ("hooks", "id"), ("modules", "path"),
    ]

    /// Deletes ended runs and all their rows. Every id is checked before anything is deleted;
    /// then each run's rows go in chunks and its `runs` row last (schema v2's trigger removes any
    /// rest), so an interrupted deletion leaves the run listed, to be deleted again.
    ///
    /// - Throws: `StatsStoreError.runNotFound` for an unknown id; `.runNotEnded` for a run still
    ///   queued, running or interrupted (it may resume, and its rows with it). Nothing is
    ///   deleted then.
    public func deleteRuns(_ ids: [Int64]) throws {
        var seen = Set<Int64>()
        let unique = ids.filter { seen.insert($0).inserted }
        try synchronously { db, cache in
            for id in unique {
                guard let status = try db.scalarText("SELECT status FROM runs WHERE id = ?1", [.integer(id)]) else {
                    throw StatsStoreError.runNotFound(id)
                }
                let runStatus = RunStatus(rawValue: status)
                guard runStatus.hasEnded else { throw StatsStoreError.runNotEnded(id, status: runStatus) }
            }
            for id in unique {
                for (table, key) in Self.perRunTables {
                    let sql = """
                        DELETE FROM \(table) WHERE run_id = ?1 AND (\(key)) IN
                            (SELECT \(key) FROM \(table) WHERE run_id = ?1 LIMIT ?2)
                        """
                    var deleted = 0
                    repeat {
                        try db.transaction(.immediate) {
                            try cache.run(sql, [.integer(id), .integer(Int64(Self.deletionChunk))])
                        }
                        deleted = db.changes
                    } while deleted == Self.deletionChunk
                }
                try db.transaction(.immediate) {
                    try cache.run("DELETE FROM runs WHERE id = ?1", [.integer(id)])
                }
            }
            // Rows a pending retry still holds for these runs would come back as orphans.
            buffer.discard(runs: Set(unique))
        }
        state.withLock { $0.runsDeleted += unique.count }
    }
}
