import Statistics

/// Series as charts read them: a batch range, downsampled to `limit` rows by index seeks
/// (`SeekSampledQuery`).
extension StatsReader {
    static let batchMetricsQuery = SeekSampledQuery(table: "batch_metrics", key: "run_id = ?1", keyCount: 1,
                                                    columns: "epoch, loss, lr")
    static let histogramsQuery = SeekSampledQuery(table: "histograms", key: "run_id = ?1 AND module = ?2 AND kind = ?3",
                                                  keyCount: 3, columns: "epoch, lo, hi, counts")

    /// A run's per-batch loss and learning rate within `from...to` (inclusive), at most `limit`
    /// rows (first and last kept; nil for all), in batch order.
    ///
    /// - Throws: `runNotFound`, `invalidArgument` for a limit below 2.
    public func batchMetrics(run: Int64, from: Int64?, to: Int64?, limit: Int?) throws -> [BatchMetricRow] {
        try Self.checkLimit(limit)
        return try read { db in
            try requireRun(run, in: db)
            return try sampledRows(Self.batchMetricsQuery, db, key: [.integer(run)], from: from, to: to, limit: limit) { s in
                BatchMetricRow(runID: run, batch: s.int64(at: 0), epoch: s.int64(at: 1), loss: s.double(at: 2), lr: s.double(at: 3))
            }
        }
    }

    /// The rows of `query`'s series `key` in `from...to`: all of them, or at most `limit`.
    func sampledRows<T>(_ query: SeekSampledQuery, _ db: Connection, key: [SQLiteValue], from: Int64?, to: Int64?,
                        limit: Int?, _ row: (Statement) -> T) throws -> [T] {
        let range = key + [.integer(from ?? .min), .integer(to ?? .max)]
        guard let limit else { return try rows(db, query.rangeSQL, range + [.integer(-1)], row) }
        // Reading limit + 1 rows costs no more than answering with limit rows would.
        let head = try rows(db, query.rangeSQL, range + [.integer(Int64(limit) + 1)], row)
        if head.count <= limit { return head }
        return try rows(db, query.sampledSQL, range + [.integer(Int64(limit))], row)
    }

    static func checkLimit(_ limit: Int?) throws {
        if let limit, limit < 2 {
            throw StatsStoreError.invalidArgument("limit must be at least 2 (first and last batch), got \(limit)")
        }
    }
}
