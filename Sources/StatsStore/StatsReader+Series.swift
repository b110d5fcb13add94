import Statistics

/// Series as charts read them: a batch range, downsampled to `limit` rows evenly spaced by row.
extension StatsReader {
    /// Wraps `select` (which must select `batch` from `table` filtered by `condition`) so that at
    /// most `?limitParameter` rows come back, evenly spaced by row, first and last kept: the rule
    /// of `stats(…)`'s `statsSQL` (row rn of n is kept when floor(rn·(L-1)/(n-1)) changes).
    static func sampledSQL(columns: String, table: String, condition: String, limitParameter: String) -> String {
        let l = limitParameter
        return """
            WITH f AS (
                SELECT \(columns), row_number() OVER (ORDER BY batch) - 1 AS rn, count(*) OVER () AS n
                FROM \(table) WHERE \(condition)
            )
            SELECT \(columns) FROM f
            WHERE \(l) IS NULL OR n <= \(l) OR rn = 0
               OR (rn * (\(l) - 1)) / (n - 1) <> ((rn - 1) * (\(l) - 1)) / (n - 1)
            ORDER BY batch
            """
    }

    static let batchMetricsSampledSQL = sampledSQL(
        columns: "batch, epoch, loss, lr", table: "batch_metrics",
        condition: "run_id = ?1 AND batch >= ?2 AND batch <= ?3", limitParameter: "?4")

    static let histogramsSampledSQL = sampledSQL(
        columns: "batch, epoch, lo, hi, counts", table: "histograms",
        condition: "run_id = ?1 AND module = ?2 AND kind = ?3 AND batch >= ?4 AND batch <= ?5", limitParameter: "?6")

    /// A run's per-batch loss and learning rate within `from...to` (inclusive), at most `limit`
    /// rows (first and last kept; nil for all), in batch order.
    ///
    /// - Throws: `runNotFound`, `invalidArgument` for a limit below 2.
    public func batchMetrics(run: Int64, from: Int64?, to: Int64?, limit: Int?) throws -> [BatchMetricRow] {
        try Self.checkLimit(limit)
        return try read { db in
            try requireRun(run, in: db)
            return try rows(db, Self.batchMetricsSampledSQL,
                            [.integer(run), .integer(from ?? .min), .integer(to ?? .max), Self.limitValue(limit)]) { s in
                BatchMetricRow(runID: run, batch: s.int64(at: 0), epoch: s.int64(at: 1), loss: s.double(at: 2), lr: s.double(at: 3))
            }
        }
    }

    static func checkLimit(_ limit: Int?) throws {
        if let limit, limit < 2 {
            throw StatsStoreError.invalidArgument("limit must be at least 2 (first and last batch), got \(limit)")
        }
    }

    static func limitValue(_ limit: Int?) -> SQLiteValue { limit.map { .integer(Int64($0)) } ?? .null }
}
